package dev.tufrepo.json;

/**
 * An immutable JSON value as TUF allows it: objects, arrays, strings, integers, booleans and null.
 * There is no floating-point number: TUF metadata must not contain one.
 */
public sealed interface JsonValue
    permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBoolean, JsonNull {

  /** A short name of this value's JSON type, for error messages ("object", "string", ...). */
  String typeName();
}
