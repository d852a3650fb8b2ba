package io.stepwise.api.http;

import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;

/**
 * The AWS JSON protocol media types. Pekko knows neither, so the server's parser settings
 * register them ({@link HttpEdge}) and responses use these content types, which render without a
 * charset parameter exactly as AWS sends them.
 */
public final class AwsMediaTypes {
  public static final String AMZ_JSON_1_0 = "application/x-amz-json-1.0";
  public static final String AMZ_JSON_1_1 = "application/x-amz-json-1.1";

  public static final MediaType.WithFixedCharset AMZ_JSON_1_0_MEDIA_TYPE =
      MediaTypes.applicationWithFixedCharset("x-amz-json-1.0", HttpCharsets.UTF_8);
  public static final MediaType.WithFixedCharset AMZ_JSON_1_1_MEDIA_TYPE =
      MediaTypes.applicationWithFixedCharset("x-amz-json-1.1", HttpCharsets.UTF_8);

  public static final ContentType AMZ_JSON_1_0_CONTENT_TYPE =
      ContentTypes.create(AMZ_JSON_1_0_MEDIA_TYPE);
  public static final ContentType AMZ_JSON_1_1_CONTENT_TYPE =
      ContentTypes.create(AMZ_JSON_1_1_MEDIA_TYPE);

  private AwsMediaTypes() {}

  /** The Pekko content type for a content-type string, reusing the registered AWS ones. */
  public static ContentType contentType(String value) {
    return switch (value) {
      case AMZ_JSON_1_0 -> AMZ_JSON_1_0_CONTENT_TYPE;
      case AMZ_JSON_1_1 -> AMZ_JSON_1_1_CONTENT_TYPE;
      default -> ContentTypes.parse(value);
    };
  }
}
