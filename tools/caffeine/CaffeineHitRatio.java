// Measures the hit ratio of Caffeine (Window TinyLFU, Java) on a key trace, as
// the reference our eviction policies are compared against. Run it through
// tools/caffeine_hit_ratio.sh, which puts the caffeine jar on the classpath:
//
//   CaffeineHitRatio [--format=lirs|cache2k] [--runs=N] TRACE SIZE...
//
// The trace is read once into memory: `lirs` (default) is text, one unsigned
// integer key per line, `*` lines (checkpoints) and blank lines skipped;
// `cache2k` is binary, big-endian unsigned 32-bit keys. Either may be gzip'd
// (detected by its magic bytes). For each SIZE a fresh cache,
// maximumSize(SIZE) with maintenance on the calling thread, replays the whole
// trace: a non-null getIfPresent(key) is a hit, otherwise put(key, key).
//
// Caffeine 2.6.2 is randomized: its frequency sketch's hash seed and, against
// hash flooding, the admission of 1 in 128 warm candidates that would be
// rejected, come from ThreadLocalRandom, which takes no seed. So the hit ratio
// varies from run to run (by up to a few points on small traces), and each
// SIZE is replayed --runs times (default 10), each with a fresh cache. Prints
// one line per size: size=N hit_ratio=MEAN min=MIN max=MAX runs=R accesses=A.

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

public final class CaffeineHitRatio {
  /** Bad input: its message goes to stderr, and the exit code is 2. */
  private static final class BadInput extends Exception {
    BadInput(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    try {
      run(args);
    } catch (BadInput e) {
      System.err.println("CaffeineHitRatio: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void run(String[] args) throws BadInput {
    int i = 0;
    String format = "lirs";
    int runs = 10;
    for (; i < args.length && args[i].startsWith("--"); i++) {
      if (args[i].startsWith("--format=")) {
        format = args[i].substring("--format=".length());
      } else if (args[i].matches("--runs=[0-9]{1,6}") && !args[i].equals("--runs=0")) {
        runs = Integer.parseInt(args[i].substring("--runs=".length()));
      } else {
        throw new BadInput("unknown or malformed flag \"" + args[i] + "\"");
      }
    }
    if (!format.equals("lirs") && !format.equals("cache2k")) {
      throw new BadInput("unknown trace format \"" + format + "\" (known: lirs, cache2k)");
    }
    if (args.length - i < 2) {
      throw new BadInput(
          "usage: CaffeineHitRatio [--format=lirs|cache2k] [--runs=N] TRACE SIZE...");
    }
    String path = args[i++];
    long[] sizes = new long[args.length - i];
    for (int j = 0; j < sizes.length; j++) {
      String arg = args[i + j];
      sizes[j] = arg.matches("[0-9]{1,18}") ? Long.parseLong(arg) : 0;
      if (sizes[j] <= 0) {
        throw new BadInput("size \"" + arg + "\" is not a positive integer");
      }
    }
    long[] keys = readTrace(path, format);
    for (long size : sizes) {
      double sum = 0;
      double min = 1;
      double max = 0;
      for (int run = 0; run < runs; run++) {
        double ratio = hitRatio(keys, size);
        sum += ratio;
        min = Math.min(min, ratio);
        max = Math.max(max, ratio);
      }
      System.out.printf(Locale.ROOT, "size=%d hit_ratio=%.4f min=%.4f max=%.4f runs=%d accesses=%d%n",
          size, sum / runs, min, max, runs, keys.length);
    }
  }

  /** One replay of `keys` through a fresh cache of `size` entries. */
  private static double hitRatio(long[] keys, long size) {
    Cache<Long, Long> cache =
        Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
    long hits = 0;
    for (long key : keys) {
      if (cache.getIfPresent(key) != null) {
        hits++;
      } else {
        cache.put(key, key);
      }
    }
    return keys.length == 0 ? 0 : (double) hits / keys.length;
  }

  /** The trace's keys, through gzip if it starts with gzip's magic bytes. */
  private static long[] readTrace(String path, String format) throws BadInput {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(Paths.get(path)))) {
      file.mark(6);
      byte[] magic = file.readNBytes(6);
      file.reset();
      if (Arrays.equals(magic, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0})) {
        throw new BadInput(path + ": xz-compressed traces are not supported; decompress first");
      }
      boolean gzip = magic.length >= 2 && magic[0] == (byte) 0x1f && magic[1] == (byte) 0x8b;
      InputStream in = gzip ? new GZIPInputStream(file, 1 << 16) : file;
      return format.equals("lirs") ? parseLirs(in, path) : parseCache2k(in.readAllBytes(), path);
    } catch (NoSuchFileException e) {
      throw new BadInput(path + ": no such file");
    } catch (IOException e) {
      throw new BadInput(path + ": " + e);
    }
  }

  private static long[] parseLirs(InputStream in, String path) throws IOException, BadInput {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    long[] keys = new long[1 << 16];
    int count = 0;
    long lineNumber = 0;
    for (String line; (line = reader.readLine()) != null; ) {
      lineNumber++;
      line = line.strip();
      if (line.isEmpty() || line.equals("*")) {
        continue;
      }
      if (count == keys.length) {
        keys = Arrays.copyOf(keys, 2 * count);
      }
      try {
        keys[count++] = Long.parseUnsignedLong(line);
      } catch (NumberFormatException e) {
        throw new BadInput(path + ", line " + lineNumber + ": \""
            + line.substring(0, Math.min(40, line.length())) + "\" is not an unsigned integer key");
      }
    }
    return Arrays.copyOf(keys, count);
  }

  private static long[] parseCache2k(byte[] bytes, String path) throws BadInput {
    if (bytes.length % 4 != 0) {
      throw new BadInput(path + ": cache2k trace of " + bytes.length
          + " bytes is not a whole number of 4-byte keys");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes); // big-endian
    long[] keys = new long[bytes.length / 4];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Integer.toUnsignedLong(buffer.getInt());
    }
    return keys;
  }

  private CaffeineHitRatio() {}
}
