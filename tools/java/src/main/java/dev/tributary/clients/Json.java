package dev.tributary.clients;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Minimal JSON writer for the drivers' output: one object per stdout line, keys in insertion
 * order. Values may be String, Number, Boolean, null, Map, Collection or another Json.
 * (No JSON library on purpose: the drivers' classpath is exactly Kafka's.)
 */
final class Json {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  static Json obj() {
    return new Json();
  }

  Json put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  /** Prints this object as one line; synchronized so callback threads never interleave. */
  void println() {
    String line = toString();
    synchronized (System.out) {
      System.out.println(line);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    write(sb, this);
    return sb.toString();
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String utf8(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Json j) {
      writeMap(sb, j.fields);
    } else if (v instanceof Map<?, ?> m) {
      writeMap(sb, m);
    } else if (v instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object item : c) {
        if (!first) sb.append(',');
        first = false;
        write(sb, item);
      }
      sb.append(']');
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short) {
      sb.append(v);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      sb.append(Double.isFinite(d) ? String.valueOf(d) : "null");
    } else {
      string(sb, v.toString());
    }
  }

  private static void writeMap(StringBuilder sb, Map<?, ?> m) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!first) sb.append(',');
      first = false;
      string(sb, String.valueOf(e.getKey()));
      sb.append(':');
      write(sb, e.getValue());
    }
    sb.append('}');
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
