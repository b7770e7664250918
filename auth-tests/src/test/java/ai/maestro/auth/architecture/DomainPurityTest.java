package ai.maestro.auth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The domain and its application services depend on the JDK alone. */
@AnalyzeClasses(packages = "ai.maestro.auth", importOptions = {ImportOption.DoNotIncludeTests.class, ProductionCodeOnly.class})
class DomainPurityTest {

    @ArchTest
    static final ArchRule domainImportsOnlyTheJdk = classes()
            .that().resideInAnyPackage("ai.maestro.auth.domain..", "ai.maestro.auth.application..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("ai.maestro.auth.domain..", "ai.maestro.auth.application..",
                    "java..", "javax.crypto..")
            .because("auth-domain is pure: no Jackson, OkHttp, Jdbi, Guice or SLF4J");
}
