package dev.podnet.classify;

import dev.podnet.model.RootCause;
import java.util.List;

/**
 * What podnet says about one error message: the parsed chain, the root-cause class, how sure it is,
 * the catalog rule that decided ({@code unknown} when none did) and the words and steps for the
 * engineer on call.
 */
public record Explanation(
    ErrorChain chain,
    RootCause cause,
    Confidence confidence,
    String ruleId,
    String title,
    String explanation,
    List<String> remediation,
    List<String> references) {

  public Explanation {
    remediation = List.copyOf(remediation);
    references = List.copyOf(references);
  }
}
