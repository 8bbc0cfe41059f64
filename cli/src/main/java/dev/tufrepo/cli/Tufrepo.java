package dev.tufrepo.cli;

import dev.tufrepo.TufException;
import dev.tufrepo.keyvault.KeyVaultException;
import dev.tufrepo.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tufrepo} command. Exit codes: 0 ok, 1 usage, 2 validation or TUF error, 3 server or
 * I/O error. Errors go to stderr with their reason; stack traces only with {@code --verbose}.
 */
@Command(
    name = "tufrepo",
    mixinStandardHelpOptions = true,
    versionProvider = Tufrepo.Version.class,
    description = "Repository Service for TUF: ceremony, keys, repositories, artifacts, service.",
    subcommands = {
      ServeCommand.class,
      RepoCommands.class,
      RepoCommands.Import.class,
      RepoCommands.Publish.class,
      RepoCommands.Refresh.class,
      RepoCommands.Verify.class,
      KeyCommands.class,
      AdminCommands.class,
      ArtifactCommands.class,
      TaskCommands.class,
      CommandLine.HelpCommand.class
    })
public final class Tufrepo implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_USAGE = 1;
  public static final int EXIT_INVALID = 2;
  public static final int EXIT_IO = 3;

  private final Io io;

  Tufrepo(Io io) {
    this.io = io;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(execute(Io.system(), args));
  }

  /** Runs {@code args} with {@code io}; returns the exit code. */
  public static int execute(Io io, String... args) {
    CommandLine cl = commandLine(io);
    boolean verboseFlag = Arrays.asList(args).contains("--verbose") || List.of(args).contains("-v");
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          boolean verbose = verboseFlag || (cmd.getCommand() instanceof Cmd c && c.common.verbose);
          return report(io, ex, verbose);
        });
    int code = cl.execute(args);
    io.out().flush();
    io.err().flush();
    return code;
  }

  /** The command line, with {@code io} handed to every command. */
  public static CommandLine commandLine(Io io) {
    CommandLine cl = new CommandLine(Tufrepo.class, new Factory(io));
    cl.setOut(io.out());
    cl.setErr(io.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("tufrepo: " + ex.getMessage());
          if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          }
          return EXIT_USAGE;
        });
    return cl;
  }

  static int report(Io io, Exception ex, boolean verbose) {
    Throwable e = ex;
    int code = exitCode(e);
    io.err().println("tufrepo: error: " + message(e));
    if (verbose) {
      e.printStackTrace(io.err());
    }
    io.err().flush();
    return code;
  }

  static int exitCode(Throwable e) {
    if (e instanceof CliException c) {
      return c.exitCode();
    }
    if (e instanceof StorageException
        || e instanceof KeyVaultException
        || e instanceof IOException
        || e instanceof UncheckedIOException) {
      return EXIT_IO;
    }
    if (e instanceof TufException) {
      return EXIT_INVALID;
    }
    return EXIT_IO;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      m = u.getCause().toString();
    } else if (e instanceof IOException) {
      m = e.toString();
    }
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    if (!(e instanceof TufException)
        && !(e instanceof CliException)
        && !(e instanceof IOException)
        && !(e instanceof UncheckedIOException)) {
      m = e.getClass().getSimpleName() + ": " + m;
    }
    return m;
  }

  /** Hands {@link Io} to commands whose constructor takes it. */
  static final class Factory implements CommandLine.IFactory {
    private final Io io;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(Io io) {
      this.io = io;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getDeclaredConstructor(Io.class);
        c.setAccessible(true);
        return c.newInstance(io);
      } catch (NoSuchMethodException e) {
        return fallback.create(cls);
      }
    }
  }

  /** The version from the jar manifest, or "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Tufrepo.class.getPackage().getImplementationVersion();
      return new String[] {"tufrepo " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
