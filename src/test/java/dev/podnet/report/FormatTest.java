package dev.podnet.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FormatTest {
  @Test
  void parsesTheCommandLineNamesIgnoringCase() {
    assertThat(Format.parse("table")).isEqualTo(Format.TABLE);
    assertThat(Format.parse(" JSON ")).isEqualTo(Format.JSON);
    assertThat(Format.parse("Yaml")).isEqualTo(Format.YAML);
    assertThat(Format.parse("markdown")).isEqualTo(Format.MARKDOWN);
  }

  @Test
  void rejectsAnUnknownNameListingTheValidOnes() {
    assertThatThrownBy(() -> Format.parse("xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown output format 'xml'; valid formats: table, json, yaml, markdown");
    assertThatThrownBy(() -> Format.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("valid formats: table, json, yaml, markdown");
  }
}
