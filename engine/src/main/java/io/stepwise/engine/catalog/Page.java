package io.stepwise.engine.catalog;

import java.util.List;

/** A page of a listing; {@code nextToken} is null on the last page. */
public record Page<T>(List<T> items, String nextToken) {}
