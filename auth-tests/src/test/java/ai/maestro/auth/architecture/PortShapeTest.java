package ai.maestro.auth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The ports stay cut by role: each is small and abstract (no default that throws or does nothing),
 * and a credential is named by its key, never by a provider alone.
 */
@AnalyzeClasses(packages = "ai.maestro.auth", importOptions = {ImportOption.DoNotIncludeTests.class, ProductionCodeOnly.class})
class PortShapeTest {
    private static final String PORTS = "ai.maestro.auth.application.port.outbound..";
    /** More than this and a port is doing several jobs. */
    private static final int MOST_METHODS = 8;

    @ArchTest
    static final ArchRule portsAreSmallAndAbstract = classes()
            .that().resideInAPackage(PORTS).and().areInterfaces()
            .should(new ArchCondition<JavaClass>("have at most " + MOST_METHODS + " methods, inherited ones"
                    + " included, none of them default") {
                @Override
                public void check(JavaClass port, ConditionEvents events) {
                    // Inherited methods count: an interface that only joins others is as big as they are.
                    long methods = port.getAllMethods().stream()
                            .filter(method -> !method.getOwner().isEquivalentTo(Object.class)).count();
                    if (methods > MOST_METHODS) {
                        events.add(SimpleConditionEvent.violated(port, port.getName() + " has " + methods
                                + " methods: split it by role"));
                    }
                    port.getMethods().stream()
                            .filter(method -> !method.getModifiers().contains(com.tngtech.archunit.core.domain
                                    .JavaModifier.ABSTRACT) && !method.getModifiers().contains(
                                    com.tngtech.archunit.core.domain.JavaModifier.STATIC))
                            .forEach(method -> events.add(SimpleConditionEvent.violated(port, method.getFullName()
                                    + " has a body: a port says what, its adapter how")));
                }
            });

    @ArchTest
    static final ArchRule servicesUseThePortsNotTheAdapters = noClasses()
            .that().resideInAnyPackage("ai.maestro.auth.application..", "ai.maestro.auth.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.maestro.auth.adapter..", "ai.maestro.auth.app..");
}
