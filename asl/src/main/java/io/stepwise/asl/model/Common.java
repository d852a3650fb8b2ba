package io.stepwise.asl.model;

import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.payload.Expr;

/**
 * The fields every state may have. {@code inputPath}/{@code outputPath}: null means the field was
 * absent (identity); {@code ...Null} means it was JSON null (discard: {@code {}}).
 * {@code assign} is null when the state assigns nothing; {@code output} is JSONata's Output.
 */
public record Common(
    String name,
    String type,
    boolean jsonata,
    String next,
    boolean end,
    PathExpr inputPath,
    boolean inputPathNull,
    PathExpr outputPath,
    boolean outputPathNull,
    Expr assign,
    Expr output) {}
