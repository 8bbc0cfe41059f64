package dev.tufrepo.storage.fs;

/**
 * How a {@link FileSystemMetadataStore} makes a group of written files durable: the one barrier
 * that {@link dev.tufrepo.storage.MetadataStore.WriteGroup#commit()} and {@link
 * FileSystemMetadataStore#writeVersioned} end with. Without fsync ({@link
 * FileSystemMetadataStore.Builder#fsync(boolean) fsync(false)}) nothing is forced, whatever is
 * chosen here.
 */
public enum Durability {
  /** {@link #SYNCFS} where it is available, {@link #FORCE_EACH} elsewhere (the default). */
  AUTO,

  /**
   * One {@code syncfs(2)} of the file system that holds the directory: every file of the group and
   * the new names are durable after one journal commit and one device cache flush, however many
   * files there are. Linux 5.8 or later only (older kernels do not report write-back errors from
   * {@code syncfs}), on ext4, xfs, btrfs, f2fs or tmpfs; it also writes back whatever else is dirty
   * on that file system, so it suits a file system the repository has mostly to itself. Choosing it
   * where it is not available fails when the store is built.
   */
  SYNCFS,

  /**
   * {@code fdatasync} of each written file on a pool of threads (see {@link
   * FileSystemMetadataStore.Builder#forceThreads(int)}), so the file system can merge them into few
   * journal commits, then a force of the directory. Portable; costs kernel time per file.
   */
  FORCE_EACH
}
