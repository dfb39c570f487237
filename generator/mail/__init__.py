"""The email edition: issues composed as email (compose), mailed over SMTP (send), and who got them (state)."""
