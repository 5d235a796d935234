import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor under any JVM log scanner, for bench/logs.sh: starts a JVM, reads FILE through the same
 * stream and 1 MiB chunks as podnet's LogScanner and counts its lines eight bytes at a time, as
 * LogScanner's word scan does, and nothing else. What podnet takes beyond this is its own work: the
 * anchor search, the decoding, keying and classifying of candidates, the counts.
 *
 * <pre>javac -d DIR bench/ReadFloor.java && java -XX:+UseSerialGC -cp DIR ReadFloor FILE</pre>
 */
public final class ReadFloor {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long ONES = 0x0101010101010101L;
  private static final int CHUNK = 1 << 20;

  private ReadFloor() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ReadFloor FILE");
      System.exit(3);
    }
    byte[] chunk = new byte[CHUNK + 8]; // eight bytes of slack: the last word reads past the data
    long lines = 0;
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      int filled;
      while ((filled = in.readNBytes(chunk, 0, CHUNK)) > 0) {
        for (int i = 0; i < filled; i += 8) {
          long x = (long) LONGS.get(chunk, i) ^ (ONES * '\n');
          long newlines = ~(((x & LOW7) + LOW7) | x | LOW7);
          if (filled - i < 8) {
            newlines &= (1L << ((filled - i) << 3)) - 1;
          }
          lines += Long.bitCount(newlines);
        }
      }
    }
    System.out.println(lines + " lines");
  }
}
