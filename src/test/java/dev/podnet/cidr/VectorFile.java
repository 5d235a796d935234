package dev.podnet.cidr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * A tab-separated file of test vectors under {@code src/test/resources/dev/podnet/cidr/}: {@code #}
 * comments, one header line naming the columns, one vector a line.
 */
final class VectorFile {

  /** One vector: its columns by header name, and where it is in the file. */
  record Row(String file, int lineInFile, Map<String, String> columns) {

    String get(String column) {
      String value = columns.get(column);
      if (value == null) {
        throw new IllegalArgumentException(file + " has no column " + column);
      }
      return value;
    }

    @Override
    public String toString() {
      return file + ":" + lineInFile;
    }
  }

  private VectorFile() {}

  static List<Row> read(String name) {
    InputStream in = VectorFile.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalArgumentException("no test resource " + name);
    }
    List<Row> rows = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String[] header = null;
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (header == null) {
          header = fields;
          continue;
        }
        if (fields.length != header.length) {
          throw new IllegalStateException(
              name
                  + ":"
                  + lineNumber
                  + " has "
                  + fields.length
                  + " fields, expected "
                  + header.length);
        }
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
          columns.put(header[i], fields[i]);
        }
        rows.add(new Row(name, lineNumber, columns));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Rows as named JUnit arguments, the name built from the given columns. */
  static Stream<Arguments> arguments(String name, String... nameColumns) {
    return read(name).stream()
        .map(
            row -> {
              StringBuilder display = new StringBuilder();
              for (String column : nameColumns) {
                display.append(display.length() == 0 ? "" : " | ").append(row.get(column));
              }
              return Arguments.of(Named.of(display.toString(), row));
            });
  }
}
