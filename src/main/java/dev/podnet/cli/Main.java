package dev.podnet.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The {@code podnet} entry point; the only class that calls {@link System#exit}. */
public final class Main {
  /** Usage error (DESIGN.md section 1). */
  public static final int USAGE = 3;

  /** The source could not be read. */
  public static final int SOURCE_UNREADABLE = 4;

  /** podnet itself failed: a bug, reported as such. */
  public static final int INTERNAL = 70;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs one command line and returns its exit code; tests call this. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter outWriter = new PrintWriter(out, true);
    PrintWriter errWriter = new PrintWriter(err, true);
    CommandLine commandLine = new CommandLine(new PodnetCommand());
    commandLine.setOut(outWriter);
    commandLine.setErr(errWriter);
    commandLine.setParameterExceptionHandler(
        (exception, arguments) -> {
          CommandLine failed = exception.getCommandLine();
          failed.getErr().println("podnet: " + exception.getMessage());
          failed
              .getErr()
              .println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
          return USAGE;
        });
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          if (exception instanceof UserError userError) {
            cmd.getErr().println("podnet: " + userError.getMessage());
            return userError.exitCode();
          }
          cmd.getErr().println("podnet: internal error: " + exception);
          if (System.getenv("PODNET_DEBUG") != null) {
            exception.printStackTrace(cmd.getErr());
          } else {
            cmd.getErr().println("podnet: set PODNET_DEBUG=1 for the stack trace, and report it");
          }
          return INTERNAL;
        });
    int code = commandLine.execute(args);
    outWriter.flush();
    errWriter.flush();
    return code;
  }
}
