package dev.tufrepo.conformance;

import java.time.Instant;

/** An independent TUF client, driven one session at a time against a served repository. */
interface TufClient extends AutoCloseable {
  /** The client's name in reports: {@code tuf-js}, {@code sigstore-java}. */
  String name();

  /**
   * Whether the client walks delegations (hash bins). sigstore-java does not: it only reads the
   * top-level targets.
   */
  boolean followsDelegations();

  /**
   * One client session at client time {@code now}: refresh (root chain, timestamp, snapshot,
   * top-level targets) from the trusted metadata in {@code session}'s directory (from its initial
   * root the first time), then download and check every {@code expect.present()} target and make
   * sure no {@code expect.absent()} target is found.
   */
  ClientRun update(Session session, Instant now, Expectation expect);

  @Override
  void close();
}
