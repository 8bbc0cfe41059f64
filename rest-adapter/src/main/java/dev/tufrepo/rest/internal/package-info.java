/** Resources, filters and helpers of the REST service; not an API. */
package dev.tufrepo.rest.internal;
