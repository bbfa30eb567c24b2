package com.pmsrelay.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/troubleshooting.md lists every error code of the code's list, each with words, and names none that does not exist. */
@Timeout(10)
class TroubleshootingDocTest {
  private static final Pattern HEADING = Pattern.compile("(?m)^### `([a-z_]+)`\\R(.+)$");

  @Test
  void everyErrorCodeHasACauseAndAFixAndNoOtherCodeIsNamed() throws Exception {
    String doc = Files.readString(Path.of("docs/troubleshooting.md"));
    String codes = doc.substring(doc.indexOf("## Error codes"));
    Set<String> documented = new TreeSet<>();
    Matcher m = HEADING.matcher(codes);
    while (m.find()) {
      assertThat(m.group(2).strip()).as("the words under " + m.group(1)).hasSizeGreaterThan(30);
      assertThat(documented.add(m.group(1))).as(m.group(1) + " documented once").isTrue();
    }
    Set<String> known = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toCollection(TreeSet::new));
    assertThat(documented).as("codes in docs/troubleshooting.md").isEqualTo(known);
  }

  @Test
  void everyDoctorCheckIsInTheTable() throws Exception {
    String doc = Files.readString(Path.of("docs/troubleshooting.md"));
    for (String check : new String[] {"config", "cloud host name resolves", "cloud port reachable", "TLS and certificate",
        "agent key accepted", "clock skew under 60 s", "PMS database reachable", "PMS login read-only",
        "PMS and server versions", "disk space for logs", "store reachable and migrated", "master key", "JWT signing keys",
        "cluster view", "bridge TLS files", "API TLS files"}) {
      assertThat(doc).contains("`" + check + "`");
    }
  }
}
