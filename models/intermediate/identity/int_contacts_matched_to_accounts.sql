{#- One row per CRM contact with the universe account it belongs to. Rules, first
    wins: its account_id (mapped to the master); its corporate email domain equals
    an account's domain. Free-mail domains never match. -#}
with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

universe as (
    select * from {{ ref('int_account_universe') }}
),

match_rules as (
    select * from {{ ref('identity_match_rules') }}
    where record_source = 'contact'
),

universe_domains as (
    select
        universe.domain,
        universe.account_id
    from universe
    where universe.domain is not null
),

candidates as (
    select
        contacts.contact_id,
        lower(trim(contacts.email)) as email,
        contacts.email_domain,
        coalesce(contacts.is_free_mail, false) as is_free_mail,
        contacts.account_id as crm_account_id,
        crm_map.account_id as account_id_match,
        case
            when not coalesce(contacts.is_free_mail, false) then universe_domains.account_id
        end as email_domain_match,
        contacts.title,
        contacts.department,
        contacts.created_at,
        contacts.last_modified_at
    from contacts
    left join crm_map
        on contacts.account_id = crm_map.source_account_id
    left join universe_domains
        on contacts.email_domain = universe_domains.domain
),

matched as (
    select
        candidates.contact_id,
        candidates.email,
        candidates.email_domain,
        candidates.crm_account_id,
        coalesce(candidates.account_id_match, candidates.email_domain_match) as account_id,
        case
            when candidates.account_id_match is not null then 'account_id'
            when candidates.email_domain_match is not null then 'email_domain'
        end as matched_by,
        case
            when candidates.account_id_match is not null or candidates.email_domain_match is not null
                then null
            when candidates.crm_account_id is not null then 'account_id_not_found'
            when candidates.email_domain is null then 'no_account_no_email'
            when candidates.is_free_mail then 'free_mail_domain'
            else 'domain_not_in_universe'
        end as unmatched_reason,
        candidates.title,
        candidates.department,
        candidates.created_at,
        candidates.last_modified_at
    from candidates
),

final as (
    select
        matched.contact_id,
        matched.account_id,
        matched.matched_by,
        match_rules.match_confidence,
        matched.unmatched_reason,
        matched.crm_account_id,
        matched.email,
        matched.email_domain,
        matched.title,
        matched.department,
        matched.created_at,
        matched.last_modified_at
    from matched
    left join match_rules
        on matched.matched_by = match_rules.matched_by
)

select * from final
