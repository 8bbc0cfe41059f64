package dev.tufrepo.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The ceremony's settings as options. Each can also come from an answers file ({@code name=value}
 * lines with the option names without dashes, lists comma separated); options given on the command
 * line win. Interactive mode asks for everything not given, with these values as defaults.
 */
final class CeremonyOptions {
  @Option(
      names = "--answers",
      paramLabel = "FILE",
      description = "Read the answers from this file (name=value lines).")
  Path answers;

  @Option(
      names = "--root-expiration",
      paramLabel = "DAYS",
      description = "Days until root expires (default 365).")
  Integer rootExpiration;

  @Option(
      names = "--targets-expiration",
      paramLabel = "DAYS",
      description = "Days until targets expires (default 365).")
  Integer targetsExpiration;

  @Option(
      names = "--snapshot-expiration",
      paramLabel = "DAYS",
      description = "Days until snapshot expires (default 1).")
  Integer snapshotExpiration;

  @Option(
      names = "--timestamp-expiration",
      paramLabel = "DAYS",
      description = "Days until timestamp expires (default 1).")
  Integer timestampExpiration;

  @Option(
      names = "--bins-expiration",
      paramLabel = "DAYS",
      description = "Days until each hash bin expires (default 1).")
  Integer binsExpiration;

  @Option(
      names = "--bins",
      paramLabel = "N",
      description = "Number of hash bins, a power of two from 2 to 16384 (default 256).")
  Integer bins;

  @Option(
      names = "--root-threshold",
      paramLabel = "N",
      description = "Root signatures required (default: the number of root keys).")
  Integer rootThreshold;

  @Option(
      names = "--root-key",
      paramLabel = "KEY",
      split = ",",
      description = {
        "A root key: a PEM file (private to sign now, or public), optionally NAME=FILE;",
        "or generate[:TYPE[:NAME]] to make one (written 0600 to --keys-dir). Repeatable.",
        "Default: one generated ed25519 key."
      })
  List<String> rootKeys;

  @Option(
      names = "--online-key",
      paramLabel = "KEY",
      description = "The online key: a PEM file, or generate[:TYPE] (default generate).")
  String onlineKey;

  @Option(
      names = "--online-key-uri",
      paramLabel = "URI",
      description = "Its x-rstuf-online-key-uri (default fn:<keyid>).")
  String onlineKeyUri;

  @Option(
      names = "--keys-dir",
      paramLabel = "DIR",
      description = "Where generated root keys are written.")
  Path keysDir;

  @Option(
      names = "--sign",
      paramLabel = "WHEN",
      description =
          "now: sign root with every root key that has a private key; later: leave it unsigned.")
  String sign;

  /** Answers from the file, empty without one. */
  Properties loadAnswers() {
    Properties p = new Properties();
    if (answers != null) {
      try (Reader r = Files.newBufferedReader(answers, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw CliException.io("cannot read answers file " + answers + ": " + e, e);
      }
    }
    return p;
  }

  /**
   * The ceremony's spec: option, else answer, else default; with {@code prompter}, asks for every
   * value not given as an option or answer.
   */
  Ceremony.Spec resolve(Path defaultKeysDir, Path onlineKeyDir, Prompter prompter, int timeout) {
    Properties a = loadAnswers();
    Resolver r = new Resolver(a, prompter);
    int ts =
        r.days(
            "timestamp-expiration",
            timestampExpiration,
            1,
            "Days before timestamp metadata expires");
    int sn =
        r.days(
            "snapshot-expiration", snapshotExpiration, 1, "Days before snapshot metadata expires");
    int tg =
        r.days(
            "targets-expiration", targetsExpiration, 365, "Days before targets metadata expires");
    int nb =
        bins == null && a.getProperty("bins") == null && prompter != null
            ? prompter.ask(
                "Number of hash bins (a power of two, 2 to 16384)",
                "256",
                s -> {
                  int v;
                  try {
                    v = Integer.parseInt(s);
                  } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("please enter a whole number");
                  }
                  if (v < 2 || v > 16384 || Integer.bitCount(v) != 1) {
                    throw new IllegalArgumentException(
                        "please enter a power of two from 2 to 16384");
                  }
                  return v;
                })
            : r.integer("bins", bins, 256, 2, 16384, "Number of hash bins");
    int be = r.days("bins-expiration", binsExpiration, 1, "Days before bins metadata expires");
    int re = r.days("root-expiration", rootExpiration, 365, "Days before root metadata expires");
    List<Ceremony.KeySpec> keys = new ArrayList<>();
    List<String> given = rootKeys != null ? rootKeys : r.list("root-key");
    int threshold;
    if (given != null || prompter == null) {
      if (given != null) {
        given.forEach(k -> keys.add(Ceremony.KeySpec.parse(k)));
      } else {
        keys.add(Ceremony.KeySpec.parse("generate"));
      }
      threshold =
          r.integer("root-threshold", rootThreshold, keys.size(), 1, keys.size(), "Root threshold");
    } else {
      threshold =
          r.integer(
              "root-threshold",
              rootThreshold,
              2,
              1,
              64,
              "Root signature threshold (root keys needed to sign)");
      while (true) {
        int n = keys.size() + 1;
        if (n > threshold
            && !prompter.confirm(
                "You have " + keys.size() + " root key(s). Add another root key?", false)) {
          break;
        }
        Ceremony.KeySpec ks =
            prompter.ask(
                "Root key " + n + ": path to a PEM file, or generate[:ed25519|ecdsa|rsa]",
                "generate",
                s -> {
                  Ceremony.KeySpec k = Ceremony.KeySpec.parse(s);
                  if (k.file() != null && !Files.isRegularFile(k.file())) {
                    throw new IllegalArgumentException("no such file: " + k.file());
                  }
                  return k;
                });
        String name =
            prompter.ask(
                "Name for root key " + n, ks.name() != null ? ks.name() : "root-" + n, s -> s);
        keys.add(new Ceremony.KeySpec(ks.file(), ks.generate(), name));
      }
    }
    String online = onlineKey != null ? onlineKey : a.getProperty("online-key");
    if (online == null && prompter != null) {
      online =
          prompter.ask(
              "Online key: path to a PEM file, or generate[:ed25519|ecdsa|rsa]",
              "generate",
              s -> {
                Ceremony.KeySpec k = Ceremony.KeySpec.parse(s);
                if (k.file() != null && !Files.isRegularFile(k.file())) {
                  throw new IllegalArgumentException("no such file: " + k.file());
                }
                return s;
              });
    }
    String uri = onlineKeyUri != null ? onlineKeyUri : a.getProperty("online-key-uri");
    if (uri == null && prompter != null) {
      String u = prompter.ask("Online key URI (empty: fn:<keyid>)", "", s -> s);
      uri = u.isEmpty() ? null : u;
    }
    Path kd =
        keysDir != null
            ? keysDir
            : a.getProperty("keys-dir") != null
                ? Path.of(a.getProperty("keys-dir"))
                : defaultKeysDir;
    String when = sign != null ? sign : a.getProperty("sign");
    boolean signNow;
    if (when == null) {
      signNow =
          prompter == null || prompter.confirm("Sign root now with the root keys you have?", true);
    } else if (when.equals("now") || when.equals("later")) {
      signNow = when.equals("now");
    } else {
      throw CliException.invalid("sign: must be now or later, got \"" + when + "\"");
    }
    return new Ceremony.Spec(
        re,
        tg,
        sn,
        ts,
        be,
        nb,
        threshold,
        keys,
        online == null ? null : Ceremony.KeySpec.parse(online),
        uri,
        kd,
        onlineKeyDir != null ? onlineKeyDir : kd,
        signNow,
        timeout);
  }

  /** Option, else answer, else prompt, else default. */
  private static final class Resolver {
    private final Properties answers;
    private final Prompter prompter;

    Resolver(Properties answers, Prompter prompter) {
      this.answers = answers;
      this.prompter = prompter;
    }

    int days(String name, Integer option, int def, String question) {
      return integer(name, option, def, 1, 100_000, question);
    }

    int integer(String name, Integer option, int def, int min, int max, String question) {
      if (option != null) {
        return option;
      }
      String a = answers.getProperty(name);
      if (a != null) {
        try {
          return Integer.parseInt(a.strip());
        } catch (NumberFormatException e) {
          throw CliException.invalid(name + ": not a number: \"" + a + "\"");
        }
      }
      if (prompter != null) {
        return prompter.askInt(question, def, min, max);
      }
      return def;
    }

    List<String> list(String name) {
      String a = answers.getProperty(name);
      if (a == null) {
        return null;
      }
      List<String> out = new ArrayList<>();
      for (String s : a.split(",")) {
        if (!s.isBlank()) {
          out.add(s.strip());
        }
      }
      return out;
    }
  }
}
