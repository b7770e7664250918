package ai.maestro.auth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Adapters plug into the domain's ports and know nothing of each other, of the CLI or of Guice. */
@AnalyzeClasses(packages = "ai.maestro.auth", importOptions = {ImportOption.DoNotIncludeTests.class, ProductionCodeOnly.class})
class AdapterIsolationTest {
    private static final String HTTP = "ai.maestro.auth.adapter.outbound.http..";
    private static final String CALLBACK = "ai.maestro.auth.adapter.inbound.callback..";
    private static final String HOST = "ai.maestro.auth.adapter.inbound.host..";
    private static final String PERSISTENCE = "ai.maestro.auth.adapter.outbound.persistence..";
    private static final String APP = "ai.maestro.auth.app..";

    @ArchTest
    static final ArchRule httpAdapterIgnoresPersistenceAndCli = noClasses()
            .that().resideInAnyPackage(HTTP, CALLBACK, HOST)
            .should().dependOnClassesThat().resideInAnyPackage(PERSISTENCE, APP);

    @ArchTest
    static final ArchRule persistenceAdapterIgnoresHttpAndCli = noClasses()
            .that().resideInAPackage(PERSISTENCE)
            .should().dependOnClassesThat().resideInAnyPackage(HTTP, CALLBACK, HOST, APP);

    @ArchTest
    static final ArchRule wiringDoesNotDependOnTheCommands = noClasses()
            .that().resideInAPackage("ai.maestro.auth.app.wiring..")
            .should().dependOnClassesThat().resideInAPackage("ai.maestro.auth.app.cli..")
            .because("the orchestrator embeds the wiring without the command line");

    @ArchTest
    static final ArchRule adaptersAndDomainKnowNothingOfGuice = noClasses()
            .that().resideInAnyPackage(HTTP, CALLBACK, HOST, PERSISTENCE, "ai.maestro.auth.domain..",
                    "ai.maestro.auth.application..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject..");
}
