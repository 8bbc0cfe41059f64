package dev.tufrepo.keyvault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Reads PEM key files for {@link FileKeyVault}, refusing oversized and encrypted ones. */
final class KeyFiles {
  /** Far above any PEM private key (an RSA 16384 PKCS#8 PEM is about 13 KB). */
  static final int MAX_PEM_BYTES = 1 << 16;

  private KeyFiles() {}

  /**
   * The text of {@code file}, a real path already checked to be inside the key directory. It is
   * opened without following a symbolic link, in case one was put there since it was resolved.
   *
   * @throws KeyVaultException if it cannot be read, is too large, or is an encrypted PEM
   */
  static String readPem(Path file, String uri) {
    byte[] bytes;
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size > MAX_PEM_BYTES) {
        throw new KeyVaultException(
            FileKeyVault.message(
                uri,
                String.format(
                    Locale.ROOT,
                    "file of %d bytes is too large for a PEM private key (limit %d)",
                    size,
                    MAX_PEM_BYTES)));
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read to the end
      }
      bytes = buf.array();
    } catch (NoSuchFileException e) {
      throw new KeyVaultException(FileKeyVault.message(uri, "no such file"), e);
    } catch (IOException e) {
      throw new KeyVaultException(
          FileKeyVault.message(uri, "cannot read the file: " + FileKeyVault.ioReason(e)), e);
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (isEncrypted(text)) {
      throw new KeyVaultException(
          FileKeyVault.message(
              uri,
              "the file is an encrypted PEM; "
                  + FileKeyVault.SCHEME
                  + " keys must be unencrypted, as RSTUF reads them without a password"));
    }
    return text;
  }

  /**
   * True for PKCS#8 {@code ENCRYPTED PRIVATE KEY} blocks and OpenSSL's traditional encryption
   * headers ({@code Proc-Type: 4,ENCRYPTED}, {@code DEK-Info:}).
   */
  static boolean isEncrypted(String pem) {
    return pem.contains("-----BEGIN ENCRYPTED ")
        || pem.contains("Proc-Type: 4,ENCRYPTED")
        || pem.contains("DEK-Info:");
  }
}
