-- Issue 21: a client of role monitor scrapes /actuator/prometheus and does nothing else.
ALTER TABLE api_client DROP CONSTRAINT api_client_role;
ALTER TABLE api_client ADD CONSTRAINT api_client_role
    CHECK (role IN ('facility', 'hospital', 'operator', 'auditor', 'supervisor', 'monitor'));
