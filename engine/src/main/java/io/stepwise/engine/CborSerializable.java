package io.stepwise.engine;

/** Marker for every command, event and reply that may cross a node or reach the journal (bound to jackson-cbor). */
public interface CborSerializable {}
