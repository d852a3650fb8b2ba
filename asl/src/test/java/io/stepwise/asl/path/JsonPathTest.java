package io.stepwise.asl.path;

import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JsonPathTest {
  /** Values as Java prints maps and lists (States.Format, Jayway's "Current context is"): every element separated, empty text too. */
  @Test
  void javaText_printsMapsAndListsAsJava() {
    assertThat(Json.javaText(json("[\"\", \"x\", {\"a\": [1, 2.5], \"b\": null}, true]"))).isEqualTo("[, x, {a=[1, 2.5], b=null}, true]");
    assertThat(Json.javaText(json("{\"\": \"\", \"k\": {}}"))).isEqualTo("{=, k={}}");
    assertThat(Json.javaText(json("\"plain\""))).isEqualTo("plain");
  }

  static final JsonNode DOC = json("""
      {"store": {"book": [
         {"title": "A", "price": 8, "tags": ["x"]},
         {"title": "B", "price": 12, "isbn": "1"},
         {"title": "C", "price": 23}],
       "bicycle": {"price": 19}},
       "odd key": {"a.b": 1}, "n": null}
      """);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", value = {
      "$ => ROOT",
      "$.store.bicycle.price => 19",
      "$['store']['bicycle']['price'] => 19",
      "$.store.book[0].title => \"A\"",
      "$.store.book[-1] => null",
      "'$.store.bicycle.price  ' => 19",
      "$.store.book[(@.length-1)].title => \"C\"",
      "$.store.book[( @.size - 3 )].title => \"A\"",
      "$.store.book[(1)].title => \"B\"",
      "$.store.book[(@.length-0)] => null",
      "$.store.book[-1:].title => [\"C\"]",
      "$.store['bicycle','nope'] => {\"bicycle\":{\"price\":19}}",
      "$.store.book[*].title => [\"A\",\"B\",\"C\"]",
      "$.store.book[0,2].title => [\"A\",\"C\"]",
      "$.store.book[1:].price => [12,23]",
      "$.store.book[:2].price => [8,12]",
      "$..price => [8,12,23,19]",
      "$.store.book[?(@.price > 10)].title => [\"B\",\"C\"]",
      "$.store.book[?(@.price <= 8 || @.title == 'C')].title => [\"A\",\"C\"]",
      "$.store.book[?(@.isbn)].title => [\"B\"]",
      "$.store.book[?(!@.isbn && @.price < 20)].title => [\"A\"]",
      "$.store.book[?(@.title =~ /[AB]/)].price => [8,12]",
      "$['odd key']['a.b'] => 1",
      "$.n => null",
      "$.store.missing[*] => []",
      "$.store.book[5] => null",
      "$.store.book[-4] => null",
      "$.store.book[*].tags[0] => [\"x\"]",
      "$.store.book[0].tags[3] => null",
      "$.store.book[1,2].title => [\"B\",\"C\"]",
      "$.store.book[?(@.tags.length() > 0)].title => []"})
  void read_answersJaywaySemantics(String path, String expected) {
    JsonNode v = JsonPath.compile(path).read(DOC);
    assertThat(v).isEqualTo(expected.equals("ROOT") ? DOC : json(expected));
  }

  @Test
  void definitePath_missingValue_isNull() {
    assertThat(JsonPath.compile("$.store.nothing.deeper").read(DOC)).isNull();
    assertThat(JsonPath.compile("$.store.book[7].title").read(DOC)).isNull();
    assertThat(JsonPath.compile("$.store.book.title").read(DOC)).isNull();
    assertThat(JsonPath.compile("$.store.bicycle[0]").read(DOC)).isNull();
  }

  /** AWS accepts Jayway's functions in a definition but does not evaluate them: the path reads nothing. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "$.store.book.length() => $['store']['book']['length()']",
      "$.store.book[*].price.sum() => $['store']['book'][*]['price']['sum()']",
      "$..price.max() => $..['price']['max()']",
      "$.store.keys() => $['store']['keys()']"})
  void pathFunctions_compileButReadNothing(String path, String normalized) {
    JsonPath p = JsonPath.compile(path);
    assertThat(p.read(DOC)).isNull();
    assertThat(p.normalized()).isEqualTo(normalized);
  }

  @Test
  void normalized_isJaywaysForm() {
    assertThat(JsonPath.compile("$.a.b[2]").normalized()).isEqualTo("$['a']['b'][2]");
  }

  @Test
  void invalidPaths_areRejected() {
    assertThatThrownBy(() -> JsonPath.compile("store.book")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonPath.compile("$.a[")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonPath.compile("$.a[?(@.x >)]")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Jayway reads '.' directly before '[' as nothing (public machines deployed on AWS use it). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " | ", value = {
      "$.store.book.[0].title | $.store.book[0].title",
      "$.store.book.[*].price | $.store.book[*].price",
      "$.store.['bicycle'].price | $.store.bicycle.price",
      "$.['odd key'].['a.b'] | $['odd key']['a.b']",
      "$.store.book.[?(@.price > 10)].title | $.store.book[?(@.price > 10)].title",
      "$.store.book.[-1:] | $.store.book[-1:]",
      "$.store.book[0]title | $.store.book[0].title",
      "$['store']bicycle.price | $.store.bicycle.price",
      "$.store.book[*]price | $.store.book[*].price"})
  void dotBeforeBracket_isTheBracket(String dotted, String plain) {
    assertThat(JsonPath.compile(dotted).read(DOC)).isEqualTo(JsonPath.compile(plain).read(DOC));
  }

  /** Jayway's relational operators, symbolic and words (any case), and its literals. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", value = {
      "$.store.book[?(@.title == A)].price => [8]",
      "$.store.book[?(@.title==B)].price => [12]",
      "$.store.book[?(@.title != A && @.title != C)].price => [12]",
      "$.store.book[?(@.isbn == 1)].title => [\"B\"]",
      "$.store.book[?(@.isbn === 1)].title => []",
      "$.store.book[?(@.isbn === '1')].title => [\"B\"]",
      "$.store.book[?(@.price !== 8)].title => [\"B\",\"C\"]",
      "$.store.book[?(@.title in ['A','C'])].price => [8,23]",
      "$.store.book[?(@.title NIN ['A','C'])].price => [12]",
      "$.store.book[?(@.tags contains 'x')].title => [\"A\"]",
      "$.store.book[?(@.title contains 'B')].price => [12]",
      "$.store.book[?(@.tags subsetof ['x','y'])].title => [\"A\"]",
      "$.store.book[?(@.tags anyof ['y','x'])].title => [\"A\"]",
      "$.store.book[?(@.tags noneof ['x'])].title => []",
      "$.store.book[?(@.tags all ['x'])].title => [\"A\"]",
      "$.store.book[?(@.tags size 1)].title => [\"A\"]",
      "$.store.book[?(@.title size 1)].price => [8,12,23]",
      "$.store.book[?(@.tags empty false)].title => [\"A\"]",
      "$[?(@.a.b empty true)] => []",
      "$.store.book[?(@.isbn exists true)].title => [\"B\"]",
      "$.store.book[?(@.isbn exists false)].title => [\"A\",\"C\"]",
      "$.store.book[?(@.title =~ /a/i)].price => [8]"})
  void filterOperators_areJaywaysOwn(String path, String expected) {
    assertThat(JsonPath.compile(path).read(DOC)).isEqualTo(json(expected));
  }
  private static final JsonNode ITEMS = json("{\"b\":[{\"id\":1,\"s\":\"x\",\"n\":1,\"z\":0},{\"id\":2,\"s\":\"y\",\"n\":2},"
      + "{\"id\":3,\"n\":\"1\",\"s\":null},{\"id\":4,\"s\":\"READY\",\"t\":true,\"m\":{\"id\":5}}],"
      + "\"v\":[{\"id\":1,\"v\":\"10\"},{\"id\":2,\"v\":\"9\"},{\"id\":3,\"v\":\"abc\"},{\"id\":4,\"v\":10},{\"id\":5,\"v\":11},{\"id\":6,\"v\":2}],"
      + "\"w\":[{\"b\":1},null,{\"b\":2}]}");
  private static final JsonNode ITEMS_ONLY = json("{\"b\":[{\"id\":1,\"s\":\"x\",\"n\":1,\"z\":0},{\"id\":2,\"s\":\"y\",\"n\":2},"
      + "{\"id\":3,\"n\":\"1\",\"s\":null},{\"id\":4,\"s\":\"READY\",\"t\":true,\"m\":{\"id\":5}}]}");

  /**
   * Filters as Jayway 2.0.0, AWS's reader, evaluates them on Jackson's nodes (each expected value
   * is Jayway 2.0.0's own answer): a null property does not exist; a comparison with a side that
   * is not there is false, {@code !=} too; {@code < <= > >=} compare numbers and numeric text by
   * value; a filter in a deep scan tests each object once, and no scalar.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", value = {
      "$.b[?(@.s)].id => [1,2,4]",
      "$.b[?(!@.s)].id => [3]",
      "$.b[?(@.z != null)].id => [1]",
      "$.b[?(@.t != true)].id => []",
      "$.b[?(@.s != 'x')].id => [2,3,4]",
      "$.b[?(@.n < 2)].id => [1,3]",
      "$.b[?(@.n <= '1')].id => [1,3]",
      "$.b[?(@.n > '0')].id => [1,2,3]",
      "$.b[?(@.s > 'a')].id => [1,2]",
      "$..[?(@ > 1)] => []",
      "$.b[?(@.n)].s => [\"x\",\"y\",null]",
      "$.b[?(@.id > 9)].zz => []",
      "$.b[*].t => [true]",
      "$.b[0:2].n => [1,2]",
      "$.b[?(@.id == 1)].q.r => []",
      "$.v[?(@.v > 9)].id => [3,4,5]",
      "$.v[?(@.v > 10)].id => [2,3,5]",
      "$.v[?(@.v < '9')].id => [1,6]",
      "$.v[?(@.v <= '100')].id => [1,4,5,6]",
      "$.nope[?(@.a)] => []"})
  void filters_areJayway200s(String path, String expected) {
    assertThat(JsonPath.compile(path).read(ITEMS)).isEqualTo(json(expected));
  }

  /** A filter in a deep scan tests each object once, in document order (Jayway 2.0.0's answers). */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", value = {"$..[?(@.id)].id => [1,2,3,4,5]", "$..[?(@.id == 2)].id => [2]"})
  void deepScanFilters_testEachObjectOnce(String path, String expected) {
    assertThat(JsonPath.compile(path).read(ITEMS_ONLY)).isEqualTo(json(expected));
  }

  /**
   * Jayway 2.0.0 reads leniently only past a wildcard or a deep scan: past index lists, slices and
   * filters a last name that is not there, or a name that meets no object, fails the whole path
   * in its words (each checked against Jayway 2.0.0); a name missing on the way reads nothing, as
   * does anything past a wildcard.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", value = {
      "$.b[?(@.id)].t => No results for path: $['b'][0]['t']",
      "$.b[1:].t => No results for path: $['b'][1]['t']",
      "$.b[0,9].id => Property ['id'] not found in path $['b'][9]",
      "$.b[?(@.id == 4)].m.x => No results for path: $['b'][3]['m']['x']",
      "$.b[?(@.id)]['s','n'].x => Multi properties can only be used as path leafs: $['b'][0]['s', 'n']",
      "$.b[0].id[0].x => Filter: [0]['x'] can only be applied to arrays. Current context is: 1",
      "$.b[1].s[?(@.x)].y => Filter: [?]['y'] can not be applied to primitives. Current context is: y",
      "$.b[(@.length-1)].zz => No results for path: $['b'][3]['zz']",
      "$.w[0:3].b => Property ['b'] not found in path $['w'][1]",
      "$.b[0][0,1] => Filter: [0,1] can only be applied to arrays. Current context is: {\"id\":1,\"s\":\"x\",\"n\":1,\"z\":0}",
      "$.b[0].s[1:].x => Filter: [1:]['x'] can only be applied to arrays. Current context is: x"})
  void pastListsSlicesAndFilters_aMissingLastNameFailsThePath(String path, String reason) {
    assertThat(JsonPath.compile(path).read(ITEMS)).as(path).isNull();
    assertThat(JsonPath.compile(path).missingReason(ITEMS)).as(path).isEqualTo(reason);
  }

  private static final JsonNode OBJECTS = json("{\"o\":{\"x\":{\"b\":1},\"y\":{}},\"p\":{\"x\":{\"b\":1},\"y\":{\"b\":2}},\"l\":[{\"b\":1},{}]}");

  /**
   * A wildcard over an object is its properties, read as strictly as names (over an array it is
   * lenient); the first failure is the first node's, depth first (Jayway 2.0.0's answers).
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", value = {
      "$.o.*.b => No results for path: $['o']['y']['b']",
      "$.o[*].b.c => Property ['c'] not found in path $['o']['x']['b']"})
  void wildcardsOverObjects_areStrict(String path, String reason) {
    assertThat(JsonPath.compile(path).read(OBJECTS)).as(path).isNull();
    assertThat(JsonPath.compile(path).missingReason(OBJECTS)).as(path).isEqualTo(reason);
    assertThat(JsonPath.compile("$.p.*.b").read(OBJECTS)).isEqualTo(json("[1,2]"));
    assertThat(JsonPath.compile("$.l[*].b").read(OBJECTS)).isEqualTo(json("[1]"));
  }

  @Test
  void empty_holdsForEmptyArraysStringsAndObjects() {
    JsonNode doc = json("{\"xs\":[{\"v\":{}},{\"v\":{\"a\":1}},{\"v\":[]},{\"v\":\"\"},{\"v\":\"s\"},{\"v\":3}]}");
    assertThat(JsonPath.compile("$.xs[?(@.v empty true)]").read(doc)).isEqualTo(json("[{\"v\":{}},{\"v\":[]},{\"v\":\"\"}]"));
    assertThat(JsonPath.compile("$.xs[?(@.v empty false)]").read(doc)).isEqualTo(json("[{\"v\":{\"a\":1}},{\"v\":\"s\"}]"));
  }

  @Test
  void unsupportedFilterOperators_areRejected() {
    for (String p : new String[] {"$.a[?(@.x = 1)]", "$.a[?(@.x <> 1)]", "$.a[?(@.x ==~ 1)]", "$.a[?(@.x like 1)]",
        "$.a[?(@.x == )]", "$.a.[", "$.a.[0"}) {
      assertThatThrownBy(() -> JsonPath.compile(p)).as(p).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void pathExpr_distinguishesContextAndVariables() {
    assertThat(PathExpr.compile("$$.Execution.Id").root()).isEqualTo(PathExpr.Root.CONTEXT);
    PathExpr v = PathExpr.compile("$myVar.items[0]");
    assertThat(v.root()).isEqualTo(PathExpr.Root.VARIABLE);
    assertThat(v.variable()).isEqualTo("myVar");
    assertThat(PathExpr.compile("$.a").root()).isEqualTo(PathExpr.Root.INPUT);
  }

  @Test
  void referencePath_createsIntermediatesAndCopiesOnlyTheSpine() {
    JsonNode input = json("{\"keep\": {\"big\": [1,2,3]}, \"a\": {\"x\": 1}}");
    JsonNode out = ReferencePath.compile("$.a.b.c").set(input, json("42"));
    assertThat(out).isEqualTo(json("{\"keep\": {\"big\": [1,2,3]}, \"a\": {\"x\": 1, \"b\": {\"c\": 42}}}"));
    assertThat(out.get("keep")).isSameAs(input.get("keep"));
    assertThat(input).isEqualTo(json("{\"keep\": {\"big\": [1,2,3]}, \"a\": {\"x\": 1}}"));
  }

  @Test
  void referencePath_intoAScalar_isNull() {
    assertThat(ReferencePath.compile("$.a.b").set(json("{\"a\": \"text\"}"), json("1"))).isNull();
    assertThatThrownBy(() -> ReferencePath.compile("$.a[*]")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void write_matchesJacksonsCompactForm() throws Exception {
    JsonNode n = json("{\"s\":\"q\\\"b\\\\n\\n\\u0001é\",\"a\":[1,2.50,true,null,{}]}");
    assertThat(Json.write(n)).isEqualTo(Json.MAPPER.writeValueAsString(n));
  }
}
