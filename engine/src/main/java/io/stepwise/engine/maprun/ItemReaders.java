package io.stepwise.engine.maprun;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.MapItemSelector;
import io.stepwise.asl.StatesError;
import io.stepwise.engine.Json;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * A Distributed Map's ItemReader, read from the local directory configured for its bucket
 * ({@code stepwise.engine.bucket-directories.<bucket>}): {@code s3:getObject} with
 * {@code ReaderConfig.InputType} JSON (an array, or the one {@code ItemsPointer} names), JSONL or
 * CSV (headers from the first row or {@code CSVHeaders}; {@code CSVDelimiter}), and
 * {@code s3:listObjectsV2} (each object's Key, Size, LastModified, Etag and StorageClass under a
 * Prefix), and manifests: an Amazon S3 Inventory {@code manifest.json} (InputType MANIFEST, or
 * ManifestType S3_INVENTORY) and an Athena manifest (ManifestType ATHENA_DATA, CSV, JSONL or PARQUET
 * data); PARQUET objects through {@link ParquetItems}.
 * Objects named {@code .gz} are gunzipped. Items are streamed, never all held at once, and
 * {@code MaxItems} stops the reading.
 * Every failure is {@code States.ItemReaderFailed}.
 *
 * <p>TestState reads the same way from the data it is given ({@link #fromData}).
 */
public final class ItemReaders {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ItemReaders() {}

  /** Items one at a time; close it when done. */
  interface Items extends Iterator<JsonNode>, Closeable {
    @Override
    void close();

    /**
     * The items are a JSON object's key-value pairs, each {@code {"Key": <name>, "Value": <value>}}:
     * the ItemSelector's {@code $$.Map.Item} names the pair's Key and Value.
     */
    default boolean keyed() {
      return false;
    }

    /** Items held in memory already: nothing to close. */
    static Items of(Iterator<JsonNode> it) {
      return of(it, false);
    }

    /** As {@link #of(Iterator)}, {@code keyed} as {@link #keyed()} says. */
    static Items of(Iterator<JsonNode> it, boolean keyed) {
      return new Items() {
        public boolean hasNext() {
          return it.hasNext();
        }

        public JsonNode next() {
          return it.next();
        }

        public boolean keyed() {
          return keyed;
        }

        public void close() {}
      };
    }
  }

  static Items of(JsonNode reader, Map<String, Path> buckets, ObjectStore s3) {
    String resource = reader.path("Resource").asText();
    JsonNode params = reader.path("Parameters");
    JsonNode config = reader.path("ReaderConfig");
    long max = config.path("MaxItems").asLong(0);
    String bucket = params.path("Bucket").asText(null);
    if (bucket == null) throw failed("The ItemReader's Parameters must name a Bucket");
    if (config.path("InputType").asText("").equals("PARQUET") && params.hasNonNull("VersionId")) {
      // AWS's answer before it reads anything (recorded by tiny-asl-machine)
      throw failed("S3 Version ID selection is not currently supported for PARQUET files");
    }
    Path dir = buckets.get(bucket);
    if (dir == null && !s3.available()) {
      throw failed("No local directory is configured for bucket '" + bucket + "': set stepwise.engine.bucket-directories."
          + bucket + " to the directory that holds its objects (or stepwise.engine.endpoints.s3 to an S3 endpoint)");
    }
    Items items;
    if (resource.endsWith(":s3:listObjectsV2")) {
      items = dir != null ? list(dir, params.path("Prefix").asText("")) : listS3(params, s3);
    } else if (resource.endsWith(":s3:getObject")) {
      String key = params.path("Key").asText(null);
      if (key == null) throw failed("The ItemReader's Parameters must name a Key");
      Objects objects = new Objects(buckets, s3);
      try {
        Path file = objects.file(bucket, key, params.path("VersionId").asText(null));
        String manifest = manifestType(config);
        if (manifest != null) {
          Locator locate = new Locator() {
            public Path file(String b, String k) {
              return objects.file(b, k, null);
            }

            public void release(Path data) {
              objects.release(data);
            }
          };
          items = manifest.equals("ATHENA_DATA") ? athena(file, key, config, locate) : inventory(file, key, bucket, locate);
        } else {
          String type = config.path("InputType").asText("JSON");
          items = type.equals("PARQUET") ? ParquetItems.open(file, key) : textItems(Source.of(file), config, key);
          if (items == null) {
            throw failed("The ItemReader's InputType " + type + " is not supported by this Stepwise server"
                + " (it reads JSON, JSONL, CSV and PARQUET objects, S3 inventory and Athena manifests, and listObjectsV2)");
          }
        }
        items = objects.owning(items);
      } catch (StatesError e) {
        StatesError named = objects.named(e);
        objects.close();
        throw named;
      } catch (RuntimeException | Error e) {
        objects.close();
        throw e;
      }
    } else {
      throw failed("The ItemReader's Resource '" + resource + "' is not supported (s3:getObject and s3:listObjectsV2 are)");
    }
    return max > 0 ? limited(items, max) : items;
  }

  /**
   * The items {@code reader} (as the state evaluated it) reads from {@code data}, the object's
   * content as found in its source — TestState's {@code stateConfiguration.mapItemReaderData} —
   * by the rules it reads an {@code s3:getObject} object with: InputType JSON (an array, or the one
   * ItemsPointer names, which is shown as well), JSONL or CSV, then MaxItems. A reader of
   * anything else (a listing, a manifest, Parquet) cannot read from text: States.ItemReaderFailed.
   */
  public static io.stepwise.asl.interpreter.StateTester.ItemReaderData.Read fromData(JsonNode reader, String data) {
    String resource = reader.path("Resource").asText();
    JsonNode config = reader.path("ReaderConfig");
    String manifest = manifestType(config);
    if (!resource.endsWith(":s3:getObject") || manifest != null) {
      throw failed("mapItemReaderData is read as the content of the object an s3:getObject ItemReader reads (JSON, JSONL"
          + " or CSV); this ItemReader reads " + (manifest != null ? "a manifest" : "with " + resource));
    }
    Source source = Source.text("mapItemReaderData", data);
    String type = config.path("InputType").asText("JSON");
    String pointer = config.path("ItemsPointer").asText(null);
    long max = config.path("MaxItems").asLong(0);
    com.fasterxml.jackson.databind.node.ArrayNode read = NODES.arrayNode();
    com.fasterxml.jackson.databind.node.ArrayNode pointed = null;
    boolean keyed;
    try {
      Items items = textItems(source, config, "mapItemReaderData");
      if (items == null) {
        throw failed("The ItemReader's InputType " + type + " cannot be read from mapItemReaderData (JSON, JSONL and"
            + " CSV can)");
      }
      keyed = items.keyed();
      try (items) {
        if ("JSON".equals(type) && pointer != null) {
          // the array the pointer names is read whole (as the reader does), then MaxItems of it
          pointed = NODES.arrayNode();
          items.forEachRemaining(pointed::add);
          Items all = Items.of(pointed.elements());
          (max > 0 ? limited(all, max) : all).forEachRemaining(read::add);
        } else {
          // reading stops at MaxItems, as in a Map Run: what lies after is not read
          (max > 0 ? limited(items, max) : items).forEachRemaining(read::add);
        }
      }
    } catch (StatesError e) {
      throw e;
    } catch (RuntimeException e) {
      throw failed("mapItemReaderData could not be read: " + e.getMessage());
    }
    // what the pointer named: the object itself, when its pairs are the items
    JsonNode named = pointed;
    if (keyed && pointed != null) {
      com.fasterxml.jackson.databind.node.ObjectNode object = NODES.objectNode();
      pointed.forEach(pair -> object.set(pair.path("Key").asText(), pair.get("Value")));
      named = object;
    }
    return new io.stepwise.asl.interpreter.StateTester.ItemReaderData.Read(read, named, keyed);
  }

  /**
   * The objects a reader reads, as local files: a bucket's own directory, or else a temporary
   * file the S3 endpoint's object is streamed into (never held in memory), deleted when the items close.
   */
  private static final class Objects {
    private final Map<String, Path> buckets;
    private final ObjectStore s3;
    private final Map<Path, String> downloaded = new java.util.LinkedHashMap<>();

    Objects(Map<String, Path> buckets, ObjectStore s3) {
      this.buckets = buckets;
      this.s3 = s3;
    }

    Path file(String bucket, String key, String versionId) {
      Path dir = buckets.get(bucket);
      if (dir != null) return object(dir, key);
      if (!s3.available()) {
        throw failed("No local directory is configured for bucket '" + bucket + "': set stepwise.engine.bucket-directories."
            + bucket + " (or stepwise.engine.endpoints.s3 to an S3 endpoint)");
      }
      ObjectNode p = NODES.objectNode().put("Bucket", bucket).put("Key", key);
      if (versionId != null) p.put("VersionId", versionId);
      Path file;
      try {
        // named like the key's last part, so that a .gz object is gunzipped as a local one is
        String last = key.substring(key.lastIndexOf('/') + 1);
        String suffix = last.lastIndexOf('.') < 0 ? ".tmp" : last.substring(last.lastIndexOf('.')).replaceAll("[^A-Za-z0-9.]", "_");
        file = Files.createTempFile(s3.scratch(), "stepwise-items", suffix);
      } catch (IOException e) {
        throw failed("Reading the object failed: " + e.getMessage());
      }
      downloaded.put(file, "s3://" + bucket + "/" + key);
      try {
        s3.download(p, file);
      } catch (StatesError e) {
        throw e.error().equals("States.ItemReaderFailed") ? e : failed(e.error() + ": " + e.cause());
      } catch (RuntimeException e) {
        throw failed("Reading the object s3://" + bucket + "/" + key + " failed: " + e.getMessage());
      }
      return file;
    }

    /** Deletes {@code file} now if it was downloaded (a manifest's data file, read). */
    void release(Path file) {
      if (downloaded.remove(file) == null) return;
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file
      }
    }

    /** A reader's failure naming the objects by their S3 URIs rather than their temporary files. */
    StatesError named(StatesError e) {
      String cause = e.cause();
      for (Map.Entry<Path, String> d : downloaded.entrySet()) {
        cause = cause.replace(d.getKey().toString(), d.getValue()).replace(d.getKey().getFileName().toString(), d.getValue());
      }
      return failed(e.error().equals("States.ItemReaderFailed") ? cause : e.error() + ": " + cause);
    }

    void close() {
      for (Path file : downloaded.keySet()) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
      downloaded.clear();
    }

    /** {@code items}, which delete the downloaded files when they close, and name them by their S3 URIs when they fail. */
    Items owning(Items items) {
      if (downloaded.isEmpty() && !s3.available()) return items;
      return new Items() {
        public boolean hasNext() {
          try {
            return items.hasNext();
          } catch (StatesError e) {
            throw named(e);
          }
        }

        public JsonNode next() {
          try {
            return items.next();
          } catch (StatesError e) {
            throw named(e);
          }
        }

        public boolean keyed() {
          return items.keyed();
        }

        public void close() {
          try {
            items.close();
          } finally {
            Objects.this.close();
          }
        }
      };
    }
  }

  /** Where a manifest's data file is, as a local file. */
  private interface Locator {
    Path file(String bucket, String key);

    /** The file is read: a downloaded copy goes at once rather than when the whole reader closes. */
    default void release(Path file) {}
  }

  /** {@code items}, which run {@code after} once they close. */
  private static Items closing(Items items, Runnable after) {
    return new Items() {
      public boolean hasNext() {
        return items.hasNext();
      }

      public JsonNode next() {
        return items.next();
      }

      public boolean keyed() {
        return items.keyed();
      }

      public void close() {
        try {
          items.close();
        } finally {
          after.run();
        }
      }
    };
  }

  /** The objects under a prefix of a bucket read through the S3 endpoint, page by page. */
  private static Items listS3(JsonNode params, ObjectStore s3) {
    try {
      List<JsonNode> objects = new ArrayList<>();
      String token = null;
      do {
        ObjectNode p = NODES.objectNode().put("Bucket", params.path("Bucket").asText());
        if (params.has("Prefix")) p.put("Prefix", params.get("Prefix").asText());
        if (token != null) p.put("ContinuationToken", token);
        JsonNode page = s3.call("ListObjectsV2", p);
        for (JsonNode o : page.path("Contents")) {
          ObjectNode item = NODES.objectNode();
          item.put("Etag", o.path("ETag").asText());
          item.put("Key", o.path("Key").asText());
          item.set("LastModified", o.path("LastModified"));
          item.put("Size", o.path("Size").asLong());
          item.put("StorageClass", o.path("StorageClass").asText("STANDARD"));
          objects.add(item);
        }
        token = page.path("IsTruncated").asBoolean(false) ? page.path("NextContinuationToken").asText(null) : null;
      } while (token != null);
      return Items.of(objects.iterator());
    } catch (StatesError e) {
      throw e.error().equals("States.ItemReaderFailed") ? e : failed(e.error() + ": " + e.cause());
    }
  }

  /**
   * The kind of manifest the ReaderConfig names, or null for a plain object: {@code S3_INVENTORY}
   * (InputType MANIFEST, or ManifestType S3_INVENTORY without an InputType: the inventory is CSV) or
   * {@code ATHENA_DATA} (with the InputType of the data files).
   */
  private static String manifestType(JsonNode config) {
    String manifest = config.path("ManifestType").asText(null);
    String type = config.path("InputType").asText(null);
    if (manifest == null) return "MANIFEST".equals(type) ? "S3_INVENTORY" : null;
    return switch (manifest) {
      case "S3_INVENTORY" -> {
        if (type != null && !type.equals("MANIFEST")) {
          throw failed("ReaderConfig.InputType must not be set with ManifestType S3_INVENTORY (an inventory is CSV)");
        }
        yield manifest;
      }
      case "ATHENA_DATA" -> {
        if (type == null || !(type.equals("CSV") || type.equals("JSONL") || type.equals("PARQUET"))) {
          throw failed("ManifestType ATHENA_DATA needs ReaderConfig.InputType CSV, JSONL or PARQUET, got " + type);
        }

        yield manifest;
      }
      default -> throw failed("ReaderConfig.ManifestType must be S3_INVENTORY or ATHENA_DATA, got " + manifest);
    };
  }

  /**
   * An Amazon S3 Inventory: {@code manifest.json} names its CSV data files ({@code files[].key},
   * gzip-compressed as S3 writes them) in its destination bucket; each headerless row is an item
   * whose fields are the {@code fileSchema} names, every value a string.
   */
  private static Items inventory(Path manifestFile, String key, String bucket, Locator locate) {
    JsonNode manifest;
    try (var in = open(manifestFile)) {
      manifest = Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw failed("The S3 inventory manifest " + key + " is not valid JSON: " + e.getMessage());
    }
    String format = manifest.path("fileFormat").asText("");
    if (!format.equalsIgnoreCase("CSV")) {
      throw failed("The S3 inventory manifest " + key + " has fileFormat '" + format
          + "': Step Functions reads inventories in CSV format only");
    }
    if (!manifest.path("fileSchema").isTextual() || !manifest.path("files").isArray()) {
      throw failed("The S3 inventory manifest " + key + " must have a fileSchema and a files array");
    }
    List<String> schema = new ArrayList<>();
    for (String name : manifest.get("fileSchema").asText().split(",")) schema.add(name.trim());
    String destination = manifest.path("destinationBucket").asText(bucket);
    String dataBucket = destination.startsWith("arn:") ? destination.substring(destination.lastIndexOf(':') + 1) : destination;
    List<String> files = new ArrayList<>();
    for (JsonNode f : manifest.get("files")) {
      if (!f.path("key").isTextual()) throw failed("The S3 inventory manifest " + key + " lists a file without a key");
      files.add(f.get("key").asText());
    }
    return concat(files.iterator(), k -> {
      Path data = locate.file(dataBucket, k);
      return closing(rows(Source.of(data), ',', schema, false), () -> locate.release(data));
    });
  }

  /**
   * An Athena manifest (as UNLOAD writes it): one {@code s3://bucket/key} a line, each a data file
   * of the ReaderConfig's InputType, read as a single object of that type would be.
   */
  private static Items athena(Path manifestFile, String key, JsonNode config, Locator locate) {
    List<String[]> objects = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(open(manifestFile), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String uri = line.strip();
        if (uri.length() > 1 && uri.startsWith("\"") && uri.endsWith("\"")) uri = uri.substring(1, uri.length() - 1);
        if (uri.isEmpty()) continue;
        int slash = uri.indexOf('/', 5);
        if (!uri.startsWith("s3://") || slash < 0 || slash == uri.length() - 1) {
          throw failed("The Athena manifest " + key + " lists '" + uri + "', which is not an s3://bucket/key URI");
        }
        objects.add(new String[] {uri.substring(5, slash), uri.substring(slash + 1)});
      }
    } catch (IOException e) {
      throw failed("Reading the Athena manifest " + key + " failed: " + e.getMessage());
    }
    String type = config.path("InputType").asText();
    return concat(objects.iterator(), o -> {
      Path file = locate.file(o[0], o[1]);
      Items data;
      try {
        data = switch (type) {
          case "JSONL" -> lines(Source.of(file), line -> parse(line, o[1]));
          case "PARQUET" -> ParquetItems.open(file, o[1]);
          default -> csv(Source.of(file), config);
        };
      } catch (RuntimeException e) {
        locate.release(file);
        throw e;
      }
      return closing(data, () -> locate.release(file));
    });
  }

  /** The items of each source in turn, each opened only when the one before it is done. */
  private static <T> Items concat(Iterator<T> sources, java.util.function.Function<T, Items> open) {
    return new Items() {
      Items current = Items.of(java.util.Collections.emptyIterator());

      public boolean hasNext() {
        while (!current.hasNext()) {
          current.close();
          if (!sources.hasNext()) return false;
          current = open.apply(sources.next());
        }
        return true;
      }

      public JsonNode next() {
        if (!hasNext()) throw new NoSuchElementException();
        return current.next();
      }

      public void close() {
        current.close();
      }
    };
  }

  /**
   * A file's bytes, decompressed as its name says: {@code .gz} is gzip (as S3 Inventory writes its
   * data files); {@code .zst}/{@code .zstd} is refused with a clear cause.
   */
  private static java.io.InputStream open(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".zst") || name.endsWith(".zstd")) {
      throw failed("The object " + file.getFileName() + " is ZSTD-compressed, which this Stepwise server does not read"
          + " (gzip it, or store it uncompressed)");
    }
    java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (!name.endsWith(".gz")) return in;
    try {
      return new java.util.zip.GZIPInputStream(in, 1 << 16);
    } catch (IOException | RuntimeException e) {
      in.close(); // not gzip after all: the file is not left open
      throw e;
    }
  }

  static StatesError failed(String cause) {
    return new StatesError("States.ItemReaderFailed", cause, true);
  }

  /** The object's file, which must lie inside the bucket's directory. */
  private static Path object(Path dir, String key) {
    Path file = dir.resolve(key).normalize();
    if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
      throw failed("The specified key does not exist. (Service: S3, Status Code: 404, Error Code: NoSuchKey) key: " + key);
    }
    return file;
  }

  private static JsonNode parse(String text, String where) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw failed("Item of " + where + " is not valid JSON: " + e.getMessage());
    }
  }

  private static Items limited(Items in, long max) {
    return new Items() {
      long n;

      public boolean hasNext() {
        return n < max && in.hasNext();
      }

      public JsonNode next() {
        if (!hasNext()) throw new NoSuchElementException();
        n++;
        return in.next();
      }

      public boolean keyed() {
        return in.keyed();
      }

      public void close() {
        in.close();
      }
    };
  }

  /**
   * The items of an object read from its bytes as its InputType says — JSON (the array, or the one
   * ItemsPointer names), JSONL or CSV — or null for a type not read that way; {@code where} names
   * the object in a cause.
   */
  private static Items textItems(Source source, JsonNode config, String where) {
    return switch (config.path("InputType").asText("JSON")) {
      case "JSON" -> json(source, config.path("ItemsPointer").asText(null));
      case "JSONL" -> lines(source, line -> parse(line, where));
      case "CSV" -> csv(source, config);
      default -> null;
    };
  }

  /** Where a reader reads an object's bytes: a file, or data given as text; {@code name} names it in causes. */
  private record Source(String name, Opener opener) {
    interface Opener {
      java.io.InputStream open() throws IOException;
    }

    static Source of(Path file) {
      return new Source(file.getFileName().toString(), () -> ItemReaders.open(file));
    }

    static Source text(String name, String data) {
      return new Source(name, () -> new java.io.ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)));
    }

    java.io.InputStream open() throws IOException {
      return opener.open();
    }
  }

  /** One item per non-blank line. */
  private static Items lines(Source file, java.util.function.Function<String, JsonNode> item) {
    BufferedReader r;
    try {
      r = new BufferedReader(new java.io.InputStreamReader(file.open(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw failed("Reading " + file.name() + " failed: " + e.getMessage());
    }
    return new Items() {
      String line = first();

      /** The first line; the reader is closed if even that fails (nobody would close it). */
      private String first() {
        try {
          return advance();
        } catch (RuntimeException e) {
          close();
          throw e;
        }
      }

      private String advance() {
        try {
          String l;
          while ((l = r.readLine()) != null) if (!l.isBlank()) return l;
          return null;
        } catch (IOException e) {
          throw failed("Reading " + file.name() + " failed: " + e.getMessage());
        }
      }

      public boolean hasNext() {
        return line != null;
      }

      public JsonNode next() {
        if (line == null) throw new NoSuchElementException();
        JsonNode out = item.apply(line);
        line = advance();
        return out;
      }

      public void close() {
        try {
          r.close();
        } catch (IOException ignored) {
          // nothing was written
        }
      }
    };
  }

  /**
   * The elements of the file's top-level array, or of the array {@code pointer} names, streamed; a
   * JSON object there gives its key-value pairs, each {@code {"Key": <name>, "Value": <value>}}, in
   * its order ({@link Items#keyed()}): AWS reads a file whose top level is an object so
   * (floci-io/floci#1588, observed), as a Distributed Map takes an object from its input.
   */
  private static Items json(Source file, String pointer) {
    try {
      if (pointer != null) {
        JsonNode at;
        try (var in = file.open()) {
          at = Json.MAPPER.readTree(in).at(pointer);
        } catch (IllegalArgumentException e) {
          throw failed("ItemsPointer " + pointer + " is not a JSON Pointer: " + e.getMessage());
        }
        if (at.isObject()) return Items.of(MapItemSelector.keyValuePairs(at).elements(), true);
        if (!at.isArray()) throw failed("ItemsPointer " + pointer + " does not name an array or object in " + file.name());
        return Items.of(at.elements());
      }
      JsonParser p = Json.MAPPER.getFactory().createParser(file.open());
      JsonToken firstItem;
      boolean keyed;
      try {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_ARRAY && first != JsonToken.START_OBJECT) {
          throw failed("Attempting to map a JSON value that is neither an array nor an object: the object " + file.name()
              + " must hold a JSON array or object (or set ReaderConfig.ItemsPointer)");
        }
        keyed = first == JsonToken.START_OBJECT;
        firstItem = p.nextToken();
      } catch (IOException | RuntimeException e) {
        p.close(); // and with it the file
        throw e;
      }
      JsonToken end = keyed ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
      return new Items() {
        JsonToken next = firstItem;

        public boolean hasNext() {
          return next != null && next != end;
        }

        public JsonNode next() {
          if (!hasNext()) throw new NoSuchElementException();
          try {
            String key = keyed ? p.currentName() : null;
            if (keyed) p.nextToken(); // from the name to its value
            JsonNode v = p.readValueAsTree();
            next = p.nextToken();
            if (v == null) v = NODES.nullNode();
            return keyed ? MapItemSelector.pair(key, v) : v;
          } catch (IOException e) {
            throw failed("Reading " + file.name() + " failed: " + e.getMessage());
          }
        }

        public boolean keyed() {
          return keyed;
        }

        public void close() {
          try {
            p.close();
          } catch (IOException ignored) {
            // read only
          }
        }
      };
    } catch (IOException e) {
      throw failed("Reading " + file.name() + " failed: " + e.getMessage());
    }
  }

  private static Items csv(Source file, JsonNode config) {
    char delimiter = switch (config.path("CSVDelimiter").asText("COMMA")) {
      case "PIPE" -> '|';
      case "SEMICOLON" -> ';';
      case "SPACE" -> ' ';
      case "TAB" -> '\t';
      default -> ',';
    };
    boolean given = config.path("CSVHeaderLocation").asText("FIRST_ROW").equals("GIVEN");
    List<String> headers = new ArrayList<>();
    if (given) config.path("CSVHeaders").forEach(h -> headers.add(h.asText()));
    if (given && headers.isEmpty()) throw failed("CSVHeaderLocation GIVEN needs CSVHeaders");
    return rows(file, delimiter, headers, !given);
  }

  /**
   * A CSV file's rows as objects of strings named by {@code headers} (or, with {@code headerRow},
   * by the file's first row); a cell past the names is named by its index.
   */
  private static Items rows(Source file, char delimiter, List<String> names, boolean headerRow) {
    List<String> headers = new ArrayList<>(names);
    boolean[] first = {headerRow};
    Items rows = lines(file, line -> NODES.textNode(line));
    return new Items() {
      JsonNode pending = first();

      /** The first row; the file is closed if even that fails (nobody would close it). */
      private JsonNode first() {
        try {
          return advance();
        } catch (RuntimeException e) {
          rows.close();
          throw e;
        }
      }

      private JsonNode advance() {
        while (rows.hasNext()) {
          List<String> cells = cells(rows.next().asText(), delimiter);
          if (first[0]) {
            headers.addAll(cells);
            first[0] = false;
            continue;
          }
          ObjectNode o = NODES.objectNode();
          for (int i = 0; i < cells.size(); i++) {
            o.put(i < headers.size() ? headers.get(i) : String.valueOf(i), cells.get(i));
          }
          return o;
        }
        return null;
      }

      public boolean hasNext() {
        return pending != null;
      }

      public JsonNode next() {
        if (pending == null) throw new NoSuchElementException();
        JsonNode out = pending;
        pending = advance();
        return out;
      }

      public void close() {
        rows.close();
      }
    };
  }

  /** One CSV row's cells (RFC 4180 quoting: a quoted cell may hold the delimiter, "" is a quote). */
  static List<String> cells(String line, char delimiter) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == delimiter) {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }

  /** The bucket's objects under {@code prefix}, in key order, as listObjectsV2 gives them. */
  private static Items list(Path dir, String prefix) {
    List<JsonNode> objects = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        String key = dir.relativize(f).toString().replace('\\', '/');
        if (!key.startsWith(prefix)) return;
        ObjectNode o = NODES.objectNode();
        try {
          o.put("Etag", "\"" + Long.toHexString(Files.size(f) * 31 + Files.getLastModifiedTime(f).toMillis()) + "\"");
          o.put("Key", key);
          o.put("LastModified", Instant.ofEpochMilli(Files.getLastModifiedTime(f).toMillis()).toString());
          o.put("Size", Files.size(f));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        o.put("StorageClass", "STANDARD");
        objects.add(o);
      });
    } catch (IOException | UncheckedIOException e) {
      throw failed("Listing bucket directory failed: " + e.getMessage());
    }
    objects.sort(java.util.Comparator.comparing(o -> o.get("Key").asText()));
    return Items.of(objects.iterator());
  }
}
