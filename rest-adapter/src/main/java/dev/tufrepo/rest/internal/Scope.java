package dev.tufrepo.rest.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The token scope a route needs when bearer tokens are configured. Routes without it are open
 * (health, metrics, OpenAPI, published metadata).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Scope {
  /** Reading repository state and tasks. */
  String READ = "read";

  /** Adding, removing and publishing artifacts. */
  String ARTIFACTS_WRITE = "artifacts:write";

  /** Adding signatures to pending metadata. */
  String METADATA_SIGN = "metadata:sign";

  /** Bootstrap, root update, settings, delegations, online roles, ending signing sessions. */
  String METADATA_ADMIN = "metadata:admin";

  String value();
}
