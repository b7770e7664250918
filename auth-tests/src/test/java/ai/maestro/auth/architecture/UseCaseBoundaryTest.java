package ai.maestro.auth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.Slice;

/**
 * The use cases are the way in: the command line calls them (and the wiring that builds them),
 * services take the store's roles (never a joined store), and the domain's packages form a tree.
 */
@AnalyzeClasses(packages = "ai.maestro.auth", importOptions = {ImportOption.DoNotIncludeTests.class, ProductionCodeOnly.class})
class UseCaseBoundaryTest {
    private static final String INBOUND = "ai.maestro.auth.application.port.inbound..";
    /** More than this and a use case is several. */
    private static final int MOST_METHODS = 1;

    @ArchTest
    static final ArchRule servicesTakeRolesNotTheJoinedStore = noClasses()
            .that().resideInAnyPackage("ai.maestro.auth.application..", "ai.maestro.auth.adapter.inbound..",
                    "ai.maestro.auth.app.cli..")
            .should().dependOnClassesThat().haveFullyQualifiedName(
                    "ai.maestro.auth.adapter.outbound.persistence.CredentialStore")
            .because("a service depends on exactly the roles of the store it uses (only the wiring and its"
                    + " metering decorator see the joined store)");

    @ArchTest
    static final ArchRule theCommandLineCallsUseCasesOnly = classes()
            .that().resideInAPackage("ai.maestro.auth.app.cli..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("ai.maestro.auth.app.cli..",
                    INBOUND, "ai.maestro.auth.domain..", "ai.maestro.auth.app.wiring..",
                    "java..", "javax..", "picocli..", "com.fasterxml.jackson..", "com.google.inject..", "org.slf4j..",
                    // Guava's basic utilities (a memoized supplier), like java.util.function's: no service, no adapter.
                    "com.google.common.base..", "ch.qos.logback..", "sun.misc..", "jdk..")
            .because("the command line shows and reads; the use cases behind the inbound ports do the work");

    @ArchTest
    static final ArchRule eachUseCaseIsOneMethod = classes()
            .that().resideInAPackage(INBOUND).and().areInterfaces().and().haveSimpleNameEndingWith("UseCase")
            .should(new ArchCondition<JavaClass>("declare exactly " + MOST_METHODS + " method") {
                @Override
                public void check(JavaClass useCase, ConditionEvents events) {
                    long methods = useCase.getAllMethods().stream()
                            .filter(m -> !m.getOwner().isEquivalentTo(Object.class)).count();
                    if (methods != MOST_METHODS) {
                        events.add(SimpleConditionEvent.violated(useCase, useCase.getName() + " has " + methods
                                + " methods: one use case, one method"));
                    }
                }
            });

    @ArchTest
    static final ArchRule theDomainModulesPackagesFormATree = slices()
            .matching("ai.maestro.auth.(**)")
            .that(new DescribedPredicate<Slice>("are in the domain module") {
                @Override
                public boolean test(Slice slice) {
                    String name = slice.getNamePart(1);
                    return name.startsWith("domain") || name.startsWith("application");
                }
            })
            .should().beFreeOfCycles();
}
