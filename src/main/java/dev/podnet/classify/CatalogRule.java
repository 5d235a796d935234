package dev.podnet.classify;

import dev.podnet.model.RootCause;
import java.util.List;

/**
 * One entry of the cause catalog: which error texts it recognises, the root-cause class it assigns,
 * how strong a match it is, and what to tell and advise the engineer on call.
 *
 * <p>{@code confidence} is the best confidence the rule can give: {@code high} for texts specific
 * to one failure, {@code medium} for generic ones, {@code low} for weak hints. {@code source} names
 * the project that emits the text; {@code references} point at where the text comes from.
 */
public record CatalogRule(
    String id,
    RootCause cause,
    String source,
    Confidence confidence,
    List<RulePattern> patterns,
    String title,
    String explanation,
    List<String> remediation,
    List<String> references) {

  public CatalogRule {
    patterns = List.copyOf(patterns);
    remediation = List.copyOf(remediation);
    references = List.copyOf(references);
  }
}
