/**
 * The embedded state store of one JVM: the H2 database for settings, tasks and role versions, with
 * the queue of accepted batches in an append-only log beside it ({@link
 * dev.tufrepo.storage.embedded.QueueLogStateStore}).
 */
package dev.tufrepo.storage.embedded;
