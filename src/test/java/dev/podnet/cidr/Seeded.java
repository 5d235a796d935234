package dev.podnet.cidr;

import java.math.BigInteger;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Runs one repetition of a property test on a {@link Random} whose seed is derived from the
 * repetition, and names that seed when the property fails. {@code -Dpodnet.seed=<seed>} replays a
 * reported seed in every repetition.
 */
final class Seeded {

  private static final long BASE_SEED = 0x5EED_C1D2L;

  private Seeded() {}

  static void run(RepetitionInfo repetition, Consumer<Random> property) {
    Long replay = Long.getLong("podnet.seed");
    long seed =
        replay != null ? replay : BASE_SEED * 1_000_003L + repetition.getCurrentRepetition();
    try {
      property.accept(new Random(seed));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "property failed with seed "
              + seed
              + " (replay: -Dpodnet.seed="
              + seed
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** A random address of the family inside {@code block}. */
  static Address addressIn(Random random, Cidr block) {
    BigInteger offset = new BigInteger(block.family().bits(), random).mod(block.size());
    return new Address(block.family(), block.first().add(offset));
  }

  /** A random block of {@code prefixLength} bits somewhere in the family's address space. */
  static Cidr randomBlock(Random random, IpFamily family, int prefixLength) {
    Address anywhere = new Address(family, new BigInteger(family.bits(), random));
    return Cidr.of(anywhere, prefixLength);
  }

  static IpFamily family(Random random) {
    return random.nextBoolean() ? IpFamily.IPV4 : IpFamily.IPV6;
  }
}
