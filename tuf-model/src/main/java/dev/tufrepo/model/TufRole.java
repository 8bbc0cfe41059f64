package dev.tufrepo.model;

/** The names of the four top-level roles. */
public final class TufRole {
  public static final String ROOT = "root";
  public static final String TARGETS = "targets";
  public static final String SNAPSHOT = "snapshot";
  public static final String TIMESTAMP = "timestamp";

  private TufRole() {}
}
