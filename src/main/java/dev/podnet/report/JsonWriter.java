package dev.podnet.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.CharBuffer;
import java.util.Locale;

/**
 * Prints a {@link Node} tree as JSON with jackson-core's streaming generator only: no databind, so
 * that a command that prints JSON does not pay for loading an object mapper.
 */
final class JsonWriter {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
  private static final DefaultIndenter INDENTER = new DefaultIndenter("  ", "\n");
  private static final Separators SEPARATORS =
      Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("")
          .withArrayEmptySeparator("");

  private JsonWriter() {}

  /** Two-space indented, {@code "key": value}, one array item per line, trailing newline. */
  static void pretty(Node node, Appendable out) throws IOException {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter(SEPARATORS)
            .withObjectIndenter(INDENTER)
            .withArrayIndenter(INDENTER);
    write(node, out, printer);
  }

  /** On one line, for JSON Lines: one value per line, trailing newline. */
  static void line(Node node, Appendable out) throws IOException {
    write(node, out, null);
  }

  private static void write(Node node, Appendable out, DefaultPrettyPrinter printer)
      throws IOException {
    Writer writer = asWriter(out);
    try (JsonGenerator generator = FACTORY.createGenerator(writer)) {
      generator.setCharacterEscapes(TerminalSafeEscapes.INSTANCE);
      if (printer != null) {
        generator.setPrettyPrinter(printer);
      }
      value(node, generator);
    }
    writer.write('\n');
    writer.flush();
  }

  private static void value(Node node, JsonGenerator generator) throws IOException {
    if (node instanceof Node.Mapping mapping) {
      generator.writeStartObject();
      for (Node.Field field : mapping.fields()) {
        generator.writeFieldName(field.name());
        value(field.value(), generator);
      }
      generator.writeEndObject();
    } else if (node instanceof Node.Sequence sequence) {
      generator.writeStartArray();
      for (Node item : sequence.items()) {
        value(item, generator);
      }
      generator.writeEndArray();
    } else if (node instanceof Node.Text text) {
      generator.writeString(text.value());
    } else if (node instanceof Node.Flag flag) {
      generator.writeBoolean(flag.value());
    } else {
      generator.writeNumber(((Node.Numeric) node).value());
    }
  }

  private static Writer asWriter(Appendable out) {
    if (out instanceof Writer writer) {
      return writer;
    }
    return new Writer() {
      @Override
      public void write(char[] buffer, int offset, int length) throws IOException {
        out.append(CharBuffer.wrap(buffer, offset, length));
      }

      @Override
      public void flush() throws IOException {
        if (out instanceof Flushable flushable) {
          flushable.flush();
        }
      }

      @Override
      public void close() {
        // the caller owns the Appendable
      }
    };
  }

  /**
   * JSON's standard escapes, plus hexadecimal escapes for DEL, the C1 controls, the line and
   * paragraph separators and the bidi controls: valid JSON either way, but JSON is often printed to
   * a terminal with {@code cat}, and these come from the cluster verbatim.
   */
  private static final class TerminalSafeEscapes extends CharacterEscapes {
    static final TerminalSafeEscapes INSTANCE = new TerminalSafeEscapes();
    private static final long serialVersionUID = 1L;

    private final int[] asciiEscapes;

    private TerminalSafeEscapes() {
      asciiEscapes = standardAsciiEscapesForJSON();
      asciiEscapes[0x7F] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return asciiEscapes;
    }

    @Override
    public SerializableString getEscapeSequence(int character) {
      // null means "write as is"; ESCAPE_STANDARD is only honoured for ASCII, so spell it out
      return TerminalText.controlsTerminal(character)
          ? new SerializedString(String.format(Locale.ROOT, "\\u%04X", character))
          : null;
    }
  }
}
