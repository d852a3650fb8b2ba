package io.stepwise.api.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Rebuilds what the client signed from Pekko's request model. Pekko moves Content-Type and
 * Content-Length from the header list onto the entity, so they are rendered back from there; the
 * path and query come from the {@code Raw-Request-URI} header (reference.conf turns it on) so
 * that they are byte-for-byte what was sent.
 */
final class PekkoSignableRequest {
  private PekkoSignableRequest() {}

  static SignableRequest of(HttpRequest request, HttpEntity entity, byte[] body) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    boolean sawContentType = false;
    for (HttpHeader h : request.getHeaders()) {
      headers.add(Map.entry(h.lowercaseName(), h.value()));
      sawContentType |= h.lowercaseName().equals("content-type");
    }
    if (!sawContentType && !entity.getContentType().equals(noContentType())) {
      headers.add(
          Map.entry(
              "content-type",
              org.apache.pekko.http.javadsl.model.headers.ContentType.create(
                      entity.getContentType())
                  .value()));
    }
    headers.add(Map.entry("content-length", Integer.toString(body.length)));
    String[] target = rawTarget(request);
    return new SignableRequest(request.method().value(), target[0], target[1], headers, body);
  }

  private static org.apache.pekko.http.javadsl.model.ContentType noContentType() {
    return org.apache.pekko.http.scaladsl.model.ContentTypes.NoContentType();
  }

  /** {path, query} as they appeared on the request line. */
  private static String[] rawTarget(HttpRequest request) {
    Optional<String> raw = request.getHeader("Raw-Request-URI").map(HttpHeader::value);
    if (raw.isPresent()) {
      String uri = raw.get();
      if (uri.startsWith("/")) {
        int q = uri.indexOf('?');
        return q < 0
            ? new String[] {uri, ""}
            : new String[] {uri.substring(0, q), uri.substring(q + 1)};
      }
      try {
        URI absolute = URI.create(uri);
        return new String[] {
          Optional.ofNullable(absolute.getRawPath()).orElse("/"),
          Optional.ofNullable(absolute.getRawQuery()).orElse("")
        };
      } catch (IllegalArgumentException e) {
        // fall through to Pekko's parsed form
      }
    }
    return new String[] {
      request.getUri().getPathString(), request.getUri().rawQueryString().orElse("")
    };
  }
}
