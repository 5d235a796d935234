package dev.podnet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code podnet fix}: the commands that change a cluster or a node, each planned first. */
@Command(
    name = "fix",
    mixinStandardHelpOptions = true,
    description = {
      "Fixes what can be fixed safely. Every subcommand plans first and changes",
      "nothing without --apply."
    },
    subcommands = {
      FixNodeCidrCommand.class,
      FixResumeCommand.class,
      FixStatusCommand.class,
      FixReclaimIpsCommand.class
    })
final class FixCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return Main.USAGE;
  }
}
