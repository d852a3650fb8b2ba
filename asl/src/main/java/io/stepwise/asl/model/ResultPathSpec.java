package io.stepwise.asl.model;

import io.stepwise.asl.path.ReferencePath;

/** A ResultPath: absent ({@code $}, result replaces input), null (input kept), or a reference path. */
public record ResultPathSpec(ReferencePath path, boolean discard) {
  public static final ResultPathSpec DEFAULT = new ResultPathSpec(null, false);
  public static final ResultPathSpec DISCARD = new ResultPathSpec(null, true);
}
