package dev.podnet.cli;

import picocli.CommandLine.Command;

/** The root command: lists the subcommands. */
@Command(
    name = "podnet",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Finds out why Kubernetes pods cannot get a network, and what to run next.",
    subcommands = {
      DiagnoseCommand.class,
      ExplainCommand.class,
      CidrCommand.class,
      IpamCommand.class,
      PlanCommand.class,
      NodeCommand.class,
      BundleCommand.class,
      FixCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 nothing at warning or above, 1 warnings, 2 critical findings,",
      "            3 usage error, 4 the source could not be read."
    })
final class PodnetCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
