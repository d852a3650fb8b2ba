package io.stepwise.asl.model;

import io.stepwise.asl.payload.Expr;
import java.util.List;

/** One Catch rule; {@code output}/{@code assign} are JSONata's, {@code resultPath} JSONPath's. */
public record Catcher(List<String> errorEquals, String next, ResultPathSpec resultPath, Expr assign, Expr output) {}
