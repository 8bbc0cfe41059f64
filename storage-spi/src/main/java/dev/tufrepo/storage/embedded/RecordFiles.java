package dev.tufrepo.storage.embedded;

import dev.tufrepo.storage.StorageException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The record framing shared by the queue log and the version journal: {@code int length, int
 * CRC-32C of the body, body}, appended one after the other.
 */
final class RecordFiles {
  /** The length and checksum before each body. */
  static final int HEADER = 8;

  private static final System.Logger LOG = System.getLogger(RecordFiles.class.getName());

  private RecordFiles() {}

  /** Receives each valid record of a file. */
  interface Visitor {
    void record(long position, byte[] body);
  }

  /** The header of {@code body}, ready to be written before it. */
  static ByteBuffer header(byte[] body) {
    return putHeader(ByteBuffer.allocate(HEADER), body).flip();
  }

  /**
   * Puts the header of {@code body} (its length and CRC-32C) into {@code to}; returns {@code to}.
   */
  static ByteBuffer putHeader(ByteBuffer to, byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    return to.putInt(body.length).putInt((int) crc.getValue());
  }

  /**
   * Reads the records of {@code path} through {@code channel}, from its start, and returns where
   * the valid ones end. A record that is cut short or fails its checksum ends the file when it is
   * the {@code last} one (a write cut short by a crash, never acknowledged: logged, and the caller
   * cuts it off); in an earlier file it throws.
   *
   * @param what the store, for messages ("queue log")
   * @param unit what the files are called, for messages ("segment")
   * @throws StorageException if a file other than the last is damaged
   */
  static long read(
      String what, String unit, Path path, FileChannel channel, boolean last, Visitor visitor)
      throws IOException {
    long fileSize = channel.size();
    long at = 0;
    CRC32C crc = new CRC32C();
    DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(Channels.newInputStream(channel.position(0)), 1 << 16));
    while (at < fileSize) {
      String torn = null;
      byte[] body = null;
      if (fileSize - at < HEADER) {
        torn = "a record header is cut short";
      } else {
        int length = in.readInt();
        int sum = in.readInt();
        if (length < 0 || length > fileSize - at - HEADER) {
          torn = "a record is cut short";
        } else {
          body = in.readNBytes(length);
          crc.reset();
          crc.update(body);
          if ((int) crc.getValue() != sum) {
            torn = "a record's checksum does not match";
          }
        }
      }
      if (torn != null) {
        if (!last) {
          throw new StorageException(
              String.format(
                  "%s: %s is damaged at byte %d: %s; it is not the last %s, so this is not a torn"
                      + " write",
                  what, path, at, torn, unit));
        }
        LOG.log(
            Level.WARNING,
            String.format(
                "%s: %s: %s at byte %d (a write the crash cut short, never acknowledged): cutting"
                    + " it off",
                what, path, torn, at));
        break;
      }
      visitor.record(at, body);
      at += HEADER + body.length;
    }
    return at;
  }
}
