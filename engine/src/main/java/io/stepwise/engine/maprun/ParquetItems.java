package io.stepwise.engine.maprun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Base64;
import java.util.NoSuchElementException;
import org.apache.parquet.StepwiseParquetOptions;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The rows of a Parquet file as items (ItemReader InputType PARQUET), read with Apache Parquet's
 * own reader one row group at a time (a file larger than memory streams). Each row is an object of
 * its columns, every column present ({@code null} where a value is absent), with values as JSON
 * holds them: numbers and booleans as they are; strings (STRING, ENUM, JSON) as strings; DECIMAL as
 * exact numbers; TIMESTAMP (and legacy INT96) as integer epoch milliseconds, as AWS gives them;
 * DATE as {@code yyyy-mm-dd}; UUID as its text; other binary values in base64; LIST as arrays, MAP
 * as objects, other groups as nested objects. Pages compressed with SNAPPY, GZIP, ZSTD and LZ4_RAW
 * are read; other codecs (BROTLI, LZO, the old LZ4 framing) fail the run with a clear cause.
 */
final class ParquetItems implements ItemReaders.Items {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final String name;
  private final ParquetFileReader reader;
  private final MessageType schema;
  /** How the schema's columns assemble into rows: the same for every row group. */
  private final org.apache.parquet.io.MessageColumnIO columns;
  private RecordReader<Group> rows;
  private long left;
  private boolean closed;

  private ParquetItems(String name, ParquetFileReader reader) {
    this.name = name;
    this.reader = reader;
    this.schema = reader.getFooter().getFileMetaData().getSchema();
    this.columns = new ColumnIOFactory().getColumnIO(schema);
  }

  /** The rows of {@code file}; {@code name} names it in causes. */
  static ParquetItems open(Path file, String name) {
    ParquetFileReader reader;
    try {
      reader = new ParquetFileReader(new LocalInputFile(file), StepwiseParquetOptions.of(CODECS));
    } catch (IOException | RuntimeException e) {
      throw ItemReaders.failed("The object " + name + " is not a readable Parquet file: " + e.getMessage());
    }
    // a codec this server cannot read is named before any row is read
    for (var block : reader.getFooter().getBlocks()) {
      for (var column : block.getColumns()) {
        if (!READ.contains(column.getCodec())) {
          try {
            reader.close();
          } catch (IOException ignored) {
            // read only
          }
          throw ItemReaders.failed("The Parquet object " + name + " has pages compressed with " + column.getCodec()
              + ", which this Stepwise server does not read (UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW are read)");
        }
      }
    }
    return new ParquetItems(name, reader);
  }

  private static final java.util.Set<CompressionCodecName> READ = java.util.EnumSet.of(CompressionCodecName.UNCOMPRESSED,
      CompressionCodecName.SNAPPY, CompressionCodecName.GZIP, CompressionCodecName.ZSTD, CompressionCodecName.LZ4_RAW);

  @Override
  public boolean hasNext() {
    if (closed) return false;
    try {
      while (left == 0) {
        PageReadStore group = reader.readNextRowGroup();
        if (group == null) return false;
        left = group.getRowCount();
        rows = columns.getRecordReader(group, new GroupRecordConverter(schema));
      }
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      throw ItemReaders.failed("Reading the Parquet object " + name + " failed: " + message(e));
    }
  }

  /** A failure's message with what caused it (Parquet wraps a decompressor's in its own). */
  private static String message(Throwable e) {
    String m = String.valueOf(e.getMessage());
    Throwable c = e.getCause();
    return c != null && c.getMessage() != null && !m.contains(c.getMessage()) ? m + ": " + c.getMessage() : m;
  }

  @Override
  public JsonNode next() {
    if (!hasNext()) throw new NoSuchElementException();
    left--;
    try {
      return object(schema, rows.read());
    } catch (RuntimeException | LinkageError e) {
      throw ItemReaders.failed("Reading the Parquet object " + name + " failed: " + message(e));
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      reader.close();
    } catch (IOException e) {
      // read only: nothing is lost
    }
  }

  private static ObjectNode object(GroupType type, Group g) {
    ObjectNode o = NODES.objectNode();
    for (int i = 0; i < type.getFieldCount(); i++) {
      Type field = type.getType(i);
      int count = g.getFieldRepetitionCount(i);
      if (field.isRepetition(Type.Repetition.REPEATED)) {
        // a repeated field outside a LIST annotation is a list of its values
        ArrayNode a = o.putArray(field.getName());
        for (int k = 0; k < count; k++) a.add(value(field, g, i, k));
      } else {
        o.set(field.getName(), count == 0 ? NODES.nullNode() : value(field, g, i, 0));
      }
    }
    return o;
  }

  private static JsonNode value(Type type, Group g, int field, int index) {
    if (!type.isPrimitive()) {
      GroupType gt = type.asGroupType();
      Group child = g.getGroup(field, index);
      LogicalTypeAnnotation a = gt.getLogicalTypeAnnotation();
      if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) return list(gt, child);
      // a MAP holds repeated key_value groups (an old MAP_KEY_VALUE group on its own is an object)
      if ((a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
          || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
          && gt.getFieldCount() == 1 && !gt.getType(0).isPrimitive() && gt.getType(0).isRepetition(Type.Repetition.REPEATED)
          && gt.getType(0).asGroupType().getFieldCount() >= 1) {
        return map(gt, child);
      }
      return object(gt, child);
    }
    PrimitiveType p = type.asPrimitiveType();
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    switch (p.getPrimitiveTypeName()) {
      case BOOLEAN:
        return NODES.booleanNode(g.getBoolean(field, index));
      case INT32: {
        int v = g.getInteger(field, index);
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) return NODES.textNode(LocalDate.ofEpochDay(v).toString());
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) return NODES.numberNode(BigDecimal.valueOf(v, d.getScale()));
        if (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned()) return NODES.numberNode(Integer.toUnsignedLong(v));
        return NODES.numberNode(v);
      }
      case INT64: {
        long v = g.getLong(field, index);
        if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
          return NODES.numberNode(switch (t.getUnit()) {
            case MILLIS -> v;
            case MICROS -> Math.floorDiv(v, 1_000L);
            case NANOS -> Math.floorDiv(v, 1_000_000L);
          });
        }
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) return NODES.numberNode(BigDecimal.valueOf(v, d.getScale()));
        if (a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned()) {
          return NODES.numberNode(new BigInteger(Long.toUnsignedString(v)));
        }
        return NODES.numberNode(v);
      }
      case INT96: {
        // a legacy timestamp: nanoseconds of the day, then the Julian day (little-endian)
        ByteBuffer b = g.getInt96(field, index).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanos = b.getLong();
        long julianDay = Integer.toUnsignedLong(b.getInt());
        return NODES.numberNode((julianDay - 2_440_588L) * 86_400_000L + Math.floorDiv(nanos, 1_000_000L));
      }
      case FLOAT: {
        float v = g.getFloat(field, index);
        return Float.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Float.toString(v));
      }
      case DOUBLE: {
        double v = g.getDouble(field, index);
        return Double.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Double.toString(v));
      }
      default: {
        Binary v = g.getBinary(field, index);
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return NODES.textNode(v.toStringUsingUTF8());
        }
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          return NODES.numberNode(new BigDecimal(new BigInteger(v.getBytes()), d.getScale()));
        }
        if (a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
          ByteBuffer b = v.toByteBuffer();
          return NODES.textNode(new java.util.UUID(b.getLong(), b.getLong()).toString());
        }
        return NODES.textNode(Base64.getEncoder().encodeToString(v.getBytes()));
      }
    }
  }

  /** A LIST: its repeated field holds the elements, in the three-level form or an older two-level one. */
  private static ArrayNode list(GroupType type, Group g) {
    ArrayNode a = NODES.arrayNode();
    Type repeated = type.getType(0);
    int n = g.getFieldRepetitionCount(0);
    // Parquet's rules for lists written before the three-level form: a repeated group of one field
    // that is itself repeated, or named "array" or "<list>_tuple", is the element
    boolean threeLevel = !repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
        && !repeated.asGroupType().getType(0).isRepetition(Type.Repetition.REPEATED)
        && !repeated.getName().equals("array") && !repeated.getName().equals(type.getName() + "_tuple");
    for (int k = 0; k < n; k++) {
      if (threeLevel) {
        Group element = g.getGroup(0, k);
        Type elementType = repeated.asGroupType().getType(0);
        a.add(element.getFieldRepetitionCount(0) == 0 ? NODES.nullNode() : value(elementType, element, 0, 0));
      } else {
        a.add(value(repeated, g, 0, k));
      }
    }
    return a;
  }

  /** A MAP: its repeated key_value groups become an object's members (a key that is not a string, as JSON text). */
  private static ObjectNode map(GroupType type, Group g) {
    ObjectNode o = NODES.objectNode();
    GroupType kv = type.getType(0).asGroupType();
    for (int k = 0; k < g.getFieldRepetitionCount(0); k++) {
      Group entry = g.getGroup(0, k);
      JsonNode key = value(kv.getType(0), entry, 0, 0);
      JsonNode val = kv.getFieldCount() < 2 || entry.getFieldRepetitionCount(1) == 0 ? NODES.nullNode()
          : value(kv.getType(1), entry, 1, 0);
      o.set(key.isTextual() ? key.asText() : key.toString(), val);
    }
    return o;
  }

  /** Page decompressors, without Hadoop's codecs. */
  private static final CompressionCodecFactory CODECS = new CompressionCodecFactory() {
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
      throw new UnsupportedOperationException("Stepwise reads Parquet; it does not write it");
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
      return new BytesInputDecompressor() {
        @Override
        public BytesInput decompress(BytesInput bytes, int size) throws IOException {
          try {
            return decompressed(bytes, size);
          } catch (LinkageError | org.xerial.snappy.SnappyError e) {
            // a codec's native library that cannot load (a noexec temporary directory, say)
            throw new IOException("the " + codec + " decompressor could not be loaded: " + e, e);
          }
        }

        private BytesInput decompressed(BytesInput bytes, int size) throws IOException {
          return switch (codec) {
            case UNCOMPRESSED -> bytes;
            case SNAPPY -> BytesInput.from(org.xerial.snappy.Snappy.uncompress(bytes.toByteArray()));
            case GZIP -> {
              try (var in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                yield BytesInput.from(in.readNBytes(size));
              }
            }
            case ZSTD -> BytesInput.from(com.github.luben.zstd.Zstd.decompress(bytes.toByteArray(), size));
            case LZ4_RAW -> BytesInput.from(net.jpountz.lz4.LZ4Factory.fastestInstance().safeDecompressor()
                .decompress(bytes.toByteArray(), size));
            default -> throw new IOException("its pages are compressed with " + codec
                + ", which this Stepwise server does not read (SNAPPY, GZIP, ZSTD and LZ4_RAW are read)");
          };
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
            throws IOException {
          byte[] in = new byte[compressedSize];
          input.get(in);
          output.put(decompress(BytesInput.from(in), decompressedSize).toByteArray());
        }

        @Override
        public void release() {}
      };
    }

    @Override
    public void release() {}
  };
}
