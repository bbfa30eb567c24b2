package com.pmsrelay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.Slice;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.Slices;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The shipped code's package graph (issue 12): cloud and agent know nothing of each other (what
 * both need lives in a neutral package, such as the SQL guard), and no package depends on itself
 * through others, neither among the top-level packages nor among all packages at any depth.
 */
@AnalyzeClasses(packages = "com.pmsrelay", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageGraphTest {
  private static final String ROOT = "com.pmsrelay";

  /**
   * Every package its own slice, the root package included. Assigned by hand rather than by
   * {@code slices().matching(...)}, whose patterns need a package below the root to match.
   */
  private static final SliceAssignment EVERY_PACKAGE = assignment("every package", pkg -> pkg);

  /** The root package, and each top-level package with everything below it ({@code cloud..}, ...). */
  private static final SliceAssignment TOP_LEVEL = assignment("top-level packages",
      pkg -> pkg.equals(ROOT) ? ROOT : ROOT + "." + pkg.substring(ROOT.length() + 1).split("\\.")[0]);

  @ArchTest
  static final ArchRule cloudDoesNotUseAgent = noClasses().that().resideInAPackage(ROOT + ".cloud..")
      .should().dependOnClassesThat().resideInAPackage(ROOT + ".agent..");

  @ArchTest
  static final ArchRule agentDoesNotUseCloud = noClasses().that().resideInAPackage(ROOT + ".agent..")
      .should().dependOnClassesThat().resideInAPackage(ROOT + ".cloud..");

  @ArchTest
  static final ArchRule noCyclesBetweenTopLevelPackages = slices().assignedFrom(TOP_LEVEL).should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noCyclesBetweenAnyPackages = slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles();

  /** The cycle rules see what they must: a rule over slices that miss packages would pass vacuously. */
  @ArchTest
  static void slicesCoverEveryPackage(JavaClasses classes) {
    Set<String> packages = new TreeSet<>();
    classes.forEach(c -> packages.add(c.getPackageName()));
    assertThat(names(EVERY_PACKAGE, classes)).isEqualTo(packages)
        .contains(ROOT, ROOT + ".demo", ROOT + ".cloud", ROOT + ".cloud.http", ROOT + ".cloud.console",
            ROOT + ".agent", ROOT + ".agent.exec", ROOT + ".agent.link");
    assertThat(names(TOP_LEVEL, classes)).contains(ROOT, ROOT + ".cloud", ROOT + ".agent", ROOT + ".common")
        .doesNotContain(ROOT + ".cloud.http");
  }

  private static Set<String> names(SliceAssignment assignment, JavaClasses classes) {
    Set<String> names = new TreeSet<>();
    for (Slice slice : Slices.assignedFrom(assignment).transform(classes)) {
      names.add(slice.getNamePart(1));
    }
    return names;
  }

  /** Classes of com.pmsrelay into slices named by {@code slice} of their package; others in none. */
  private static SliceAssignment assignment(String description, UnaryOperator<String> slice) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        boolean ours = pkg.equals(ROOT) || pkg.startsWith(ROOT + ".");
        return ours ? SliceIdentifier.of(slice.apply(pkg)) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return description;
      }
    };
  }
}
