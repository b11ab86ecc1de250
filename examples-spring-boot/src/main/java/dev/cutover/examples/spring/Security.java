package dev.cutover.examples.spring;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP basic for the operator {@code ops} (password {@code ops}): the endpoint records who moved a
 * stage, and refuses anonymous moves. Reads stay open so the example is easy to look at.
 */
@Configuration(proxyBeanMethods = false)
class Security {

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @Bean
    UserDetailsService operators() {
        return new InMemoryUserDetailsManager(
                User.withUsername("ops").password("{noop}ops").roles("OPS").build());
    }
}
