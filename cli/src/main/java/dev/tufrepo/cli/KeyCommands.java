package dev.tufrepo.cli;

import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.PrivateKeySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tufrepo key generate|info}. */
@Command(
    name = "key",
    description = "Generate keys and show what a key file holds.",
    mixinStandardHelpOptions = true,
    subcommands = {KeyCommands.Generate.class, KeyCommands.Info.class})
final class KeyCommands extends Group {

  static dev.tufrepo.json.JsonObject describe(Key key, Path file, boolean isPrivate) {
    return Jsons.obj(
        "keyid", key.keyId(),
        "keytype", key.keytype(),
        "scheme", key.scheme(),
        "private", isPrivate,
        "file", file == null ? null : file.toString(),
        "public", key.publicValue());
  }

  static String text(Key key, Path file, boolean isPrivate) {
    return "keyid:   "
        + key.keyId()
        + "\ntype:    "
        + key.keytype()
        + " ("
        + key.scheme()
        + ")\n"
        + (file == null
            ? ""
            : "file:    " + file + (isPrivate ? " (private key)" : " (public key)") + "\n")
        + "public:  "
        + key.publicValue().strip().replace("\n", "\n         ")
        + "\n";
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Generates a private key and writes it as unencrypted PKCS#8 PEM, readable by its owner only (0600).",
        "Prints the keyid."
      })
  static final class Generate extends Cmd {
    @Option(
        names = {"-t", "--type"},
        defaultValue = "ed25519",
        description =
            "ed25519, ecdsa (P-256) or rsa (3072 bits, RSASSA-PSS); default ${DEFAULT-VALUE}.")
    String type;

    @Option(
        names = {"-f", "--file"},
        description =
            "Where to write the private key (default: <keyid>.pem in the current directory).")
    Path file;

    @Option(names = "--public-file", description = "Also write the public key PEM here.")
    Path publicFile;

    Generate(Io io) {
      super(io);
    }

    @Override
    protected void run() throws Exception {
      KeyScheme scheme = KeyFiles.scheme(type);
      PrivateKeySigner signer = KeyFiles.generate(scheme);
      Path out = file != null ? file : Path.of(signer.keyId() + ".pem");
      KeyFiles.writeSigner(out, signer);
      if (publicFile != null) {
        Files.writeString(publicFile, KeyFiles.publicPem(signer.publicKey()));
      }
      if (common.json()) {
        print(describe(signer.publicKey(), out, true), "");
      } else {
        io.out().println(signer.keyId());
        io.err().println("wrote " + scheme.keytype() + " private key to " + out + " (mode 0600)");
      }
    }
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Shows the keyid, type and public value of a PEM key file (private or public).")
  static final class Info extends Cmd {
    @Parameters(paramLabel = "FILE", description = "A PEM private or public key.")
    Path file;

    Info(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      KeyFiles.Loaded k = KeyFiles.read(file);
      print(describe(k.key(), file, k.isPrivate()), text(k.key(), file, k.isPrivate()));
    }
  }
}
