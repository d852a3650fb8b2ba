package io.stepwise.engine.execution;

import io.stepwise.engine.Arns;

/** Which Task resources are activities: an activity ARN, whose tasks wait for a worker's GetActivityTask. */
public final class Activities {
  private Activities() {}

  public static boolean isActivity(String resource) {
    Arns.Parsed p = Arns.parse(resource);
    return p != null && p.resourceType().equals("activity") && Arns.isValidName(p.rest());
  }
}
