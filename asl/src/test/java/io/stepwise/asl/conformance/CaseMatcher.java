package io.stepwise.asl.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A port of run_cases.py's Matcher: placeholder tokens in expected strings match any text, consistently within a case. */
final class CaseMatcher {
  private static final String UUID_RE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
  private final Pattern ph;
  private final Map<String, String> bindings = new HashMap<>();

  CaseMatcher(List<String> placeholders) {
    List<String> parts = new ArrayList<>();
    for (String p : placeholders) if (!p.isEmpty()) parts.add("(?:" + p + ")");
    ph = parts.isEmpty() ? null : Pattern.compile(String.join("|", parts));
  }

  boolean matchStr(String exp, String act) {
    if (exp.equals(act)) return true;
    if (ph == null || act == null) return false;
    StringBuilder re = new StringBuilder();
    List<String> groups = new ArrayList<>();
    int pos = 0;
    Matcher m = ph.matcher(exp);
    boolean any = false;
    while (m.find()) {
      any = true;
      re.append(Pattern.quote(exp.substring(pos, m.start())));
      String tok = m.group();
      if (tok.equals("<*>")) re.append("(?:.*)");
      else if (bindings.containsKey(tok)) re.append(Pattern.quote(bindings.get(tok)));
      else if (groups.contains(tok)) re.append("\\k<g").append(groups.indexOf(tok)).append(">");
      else {
        re.append("(?<g").append(groups.size()).append(">").append(tok.startsWith("<uuid:") ? UUID_RE : ".*?").append(")");
        groups.add(tok);
      }
      pos = m.end();
    }
    if (!any) return false;
    re.append(Pattern.quote(exp.substring(pos)));
    Matcher am = Pattern.compile(re.toString(), Pattern.DOTALL).matcher(act);
    if (!am.matches()) return false;
    for (int i = 0; i < groups.size(); i++) bindings.put(groups.get(i), am.group("g" + i));
    return true;
  }

  /** Null when equal, else the first difference. */
  String match(JsonNode exp, JsonNode act, String path) {
    if (exp.isTextual() && exp.textValue().equals("<*>")) return null;
    if (exp.isNumber() && act != null && act.isNumber()) {
      return exp.decimalValue().compareTo(act.decimalValue()) == 0 ? null : path + ": expected " + exp + ", got " + act;
    }
    if (exp.isTextual()) return act != null && act.isTextual() && matchStr(exp.textValue(), act.textValue()) ? null : path + ": expected " + exp + ", got " + act;
    if (exp.isNull()) return act == null || act.isNull() ? null : path + ": expected null, got " + act;
    if (exp.isArray()) {
      if (act == null || !act.isArray()) return path + ": expected array, got " + act;
      if (exp.size() != act.size()) return path + ": expected " + exp.size() + " elements, got " + act.size() + " " + act;
      for (int i = 0; i < exp.size(); i++) {
        String d = match(exp.get(i), act.get(i), path + "[" + i + "]");
        if (d != null) return d;
      }
      return null;
    }
    if (exp.isObject()) {
      if (act == null || !act.isObject()) return path + ": expected object, got " + act;
      Map<String, JsonNode> remaining = new HashMap<>();
      act.fields().forEachRemaining(e -> remaining.put(e.getKey(), e.getValue()));
      List<Map.Entry<String, JsonNode>> pending = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = exp.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (remaining.containsKey(e.getKey())) {
          String d = match(e.getValue(), remaining.remove(e.getKey()), path + "." + e.getKey());
          if (d != null) return d;
        } else {
          pending.add(e);
        }
      }
      for (Map.Entry<String, JsonNode> e : pending) {
        String hit = null;
        if (ph != null && ph.matcher(e.getKey()).find()) {
          for (String k : remaining.keySet()) {
            if (matchStr(e.getKey(), k) && match(e.getValue(), remaining.get(k), path + "." + k) == null) {
              hit = k;
              break;
            }
          }
        }
        if (hit == null) return path + ": missing key " + e.getKey();
        remaining.remove(hit);
      }
      return remaining.isEmpty() ? null : path + ": unexpected keys " + remaining.keySet();
    }
    return exp.equals(act) ? null : path + ": expected " + exp + ", got " + act;
  }
}
