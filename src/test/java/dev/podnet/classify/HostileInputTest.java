package dev.podnet.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.podnet.model.RootCause;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Garbage, binary, huge and adversarial input: the classifier never throws, says {@code unknown},
 * and stays fast (it runs on every line of node logs).
 */
class HostileInputTest {

  private static final long SEED = 0x5EED_C0DEL;
  private static final Duration BUDGET = Duration.ofSeconds(2);
  private final CauseCatalog catalog = CauseCatalog.load();

  @Test
  void randomBinaryIsUnknown() {
    Random random = new Random(SEED);
    for (int round = 0; round < 300; round++) {
      byte[] bytes = new byte[random.nextInt(4096)];
      random.nextBytes(bytes);
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      Explanation explanation = catalog.explain(text);
      assertThat(explanation.cause())
          .as("seed %x round %d", SEED, round)
          .isEqualTo(RootCause.UNKNOWN);
      assertThat(explanation.confidence()).isEqualTo(Confidence.NONE);
    }
  }

  @Test
  void randomPrintableNoiseIsUnknown() {
    Random random = new Random(SEED + 1);
    String alphabet = "abcdefghijklmnopqrstuvwxyz ABC\"'[]():;,./\\_-=0123456789\n\t{}%";
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(2000);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertThat(catalog.explain(text.toString()).cause())
          .as("seed %x round %d", SEED + 1, round)
          .isEqualTo(RootCause.UNKNOWN);
    }
  }

  @Test
  void hugeInputIsCutAndStaysFast() {
    String huge = "x".repeat(20 * 1024 * 1024);
    Explanation explanation = assertFast(huge);
    assertThat(explanation.cause()).isEqualTo(RootCause.UNKNOWN);
    assertThat(explanation.chain().original()).hasSize(huge.length());
    assertThat(explanation.chain().innermost().length())
        .isLessThanOrEqualTo(ErrorChainParser.MAX_CHARS);
  }

  @Test
  void repeatedAnchorsDoNotBacktrack() {
    String[] adversarial = {
      "plugin type=\"".repeat(8000),
      "plugin type=\"x\" name=\"".repeat(4000),
      "rpc error: code = ".repeat(5000),
      "add cmd: ".repeat(9000),
      "failed to setup network for sandbox \"".repeat(2000),
      "networkPlugin cni failed to set up pod \"".repeat(2000),
      "failed to create pod network sandbox k8s_a_b_c_".repeat(2000),
      "error adding container to network \"".repeat(2000),
      "[a/".repeat(30000),
      "add cmd: [".repeat(9000),
      "\\".repeat(100000) + "\"",
      "\"".repeat(100000),
      "]".repeat(100000),
      "[".repeat(100000),
      ":".repeat(100000),
      "err=\"".repeat(20000),
      "Jan  1 00:00:00 ".repeat(5000),
    };
    for (String text : adversarial) {
      assertThatCode(() -> assertFast(text)).doesNotThrowAnyException();
    }
  }

  @Test
  void charactersThatGrowWhenLowerCasedAreHandled() {
    // U+0130 lower-cases to two chars; offsets found in the lower-cased text must stay valid.
    String text = "\u0130\u0130 plugin type=\"calico\" failed (add): \u0130 something new";
    Explanation explanation = catalog.explain(text);
    assertThat(explanation.cause()).isEqualTo(RootCause.UNKNOWN);
    assertThat(explanation.chain().plugin()).isEqualTo("calico");
  }

  @Test
  void controlCharactersAndEmbeddedNulsAreWhitespace() {
    Explanation explanation =
        catalog.explain("\u0000\u0007no IP addresses\u0000available in range set\r\n");
    assertThat(explanation.cause()).isEqualTo(RootCause.IPAM_EXHAUSTED);
    assertThat(explanation.chain().innermost()).isEqualTo("no IP addresses available in range set");
  }

  private Explanation assertFast(String text) {
    long start = System.nanoTime();
    Explanation explanation = catalog.explain(text);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("explain took %s", took).isLessThan(BUDGET);
    return explanation;
  }
}
