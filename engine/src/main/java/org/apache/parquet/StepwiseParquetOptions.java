package org.apache.parquet;

import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

/**
 * Stepwise's read options for Apache Parquet's reader, built without Hadoop: the public builder
 * makes Hadoop's codec factory first thing (and so needs Hadoop on the class path), while its
 * package-private constructor takes our codec factory. In Parquet's package for that reason only;
 * written against parquet-hadoop 1.18.2 (the version the build pins).
 */
public final class StepwiseParquetOptions {
  private StepwiseParquetOptions() {}

  /** Parquet's defaults (statistics, dictionary and page-index filters on, no record filter), with {@code codecs}. */
  public static ParquetReadOptions of(CompressionCodecFactory codecs) {
    return new ParquetReadOptions(false, true, true, true, true, false, true, false, false,
        FilterCompat.NOOP, ParquetMetadataConverter.NO_FILTER, codecs, new HeapByteBufferAllocator(),
        8 * 1024 * 1024, java.util.Map.of(), null, null, new PlainParquetConfiguration());
  }
}
