package dev.tufrepo.storage;

import java.time.Instant;

/**
 * The publish lock, held by one owner until {@code expires}. The {@code token} grows with every new
 * holder; commits carry it, and a commit with a stale token is refused ({@link FencingException}),
 * so a publisher that lost its lease cannot overwrite its successor.
 */
public record Lease(String name, String owner, long token, Instant expires) {}
