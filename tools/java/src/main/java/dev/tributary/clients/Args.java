package dev.tributary.clients;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Flag parser shared by the drivers: "--name value" pairs (repeatable flags keep every value),
 * "--name" alone for booleans (declared up front), everything else positional.
 */
final class Args {
  final List<String> positional = new ArrayList<>();
  private final Map<String, List<String>> flags = new HashMap<>();

  /** Thrown for bad command lines; drivers exit with status 64 (EX_USAGE). */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static Args parse(String[] argv, String... booleanFlags) {
    Args a = new Args();
    List<String> bools = List.of(booleanFlags);
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--")) {
        a.positional.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (bools.contains(name)) {
        value = "true";
      } else {
        if (i + 1 >= argv.length) throw new UsageException(arg + " needs a value");
        value = argv[++i];
      }
      a.flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return a;
  }

  String str(String name, String def) {
    List<String> v = flags.get(name);
    return v == null ? def : v.get(v.size() - 1);
  }

  String required(String name) {
    String v = str(name, null);
    if (v == null) throw new UsageException("--" + name + " is required");
    return v;
  }

  long num(String name, long def) {
    String v = str(name, null);
    if (v == null) return def;
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects a number, got " + v);
    }
  }

  boolean bool(String name) {
    return Boolean.parseBoolean(str(name, "false"));
  }

  List<String> all(String name) {
    return flags.getOrDefault(name, List.of());
  }

  /** Repeated "--NAME k=v" flags as properties (client configs, topic configs). */
  Properties props(String name) {
    Properties p = new Properties();
    for (String kv : all(name)) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageException("--" + name + " expects key=value, got " + kv);
      p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return p;
  }

  /** Runs a driver body with the drivers' shared exit-code convention. */
  static void run(String usage, Body body) {
    int status;
    try {
      status = body.run();
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      System.err.println(usage);
      status = 64;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      Json.obj().put("type", "error").put("error", cause.getClass().getSimpleName()).put("message", cause.getMessage()).println();
      cause.printStackTrace(System.err);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  @FunctionalInterface
  interface Body {
    int run() throws Exception;
  }
}
