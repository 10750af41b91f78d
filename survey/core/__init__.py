"""The kernel every 征集 shares, whatever it collects (survey answers now, comments on drafts
next): the collection window and its phases, the issuer and public slug, office time, the 比例
rules, identifiers (统一社会信用代码, mobile numbers), masking of personal data, permissions, the
audit log, and the refusals a staff action ends with. It imports no feature package and no web
framework."""
