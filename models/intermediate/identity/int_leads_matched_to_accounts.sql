{#- One row per CRM lead with the universe account it belongs to. Rules, first
    wins: converted_account_id (mapped to the master); corporate email domain;
    website domain; normalized company name when it names exactly one CRM master.
    Free-mail domains never match, neither as email nor as website. -#}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

crm_accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

crm_map as (
    select * from {{ ref('int_crm_accounts_mapped_to_masters') }}
),

universe as (
    select * from {{ ref('int_account_universe') }}
),

hosts as (
    select * from {{ ref('int_free_mail_domains') }}
),

match_rules as (
    select * from {{ ref('identity_match_rules') }}
    where record_source = 'lead'
),

free_mail_domains as (
    select distinct hosts.registrable_domain as domain  -- noqa: RF04
    from hosts
    where hosts.is_free_mail and hosts.registrable_domain is not null
),

universe_domains as (
    select
        universe.domain,
        universe.account_id
    from universe
    where universe.domain is not null
),

crm_names as (
    -- a normalized name matches only when every CRM account carrying it has one master
    select
        nullif(trim(crm_accounts.account_name_normalized), '') as name_normalized,
        min(crm_map.account_id) as account_id,
        count(distinct crm_map.account_id) as master_count
    from crm_accounts
    inner join crm_map
        on crm_accounts.account_id = crm_map.source_account_id
    where nullif(trim(crm_accounts.account_name_normalized), '') is not null
    group by nullif(trim(crm_accounts.account_name_normalized), '')
),

candidates as (
    select
        leads.lead_id,
        lower(trim(leads.email)) as email,
        leads.email_domain,
        coalesce(leads.is_free_mail, false) as is_free_mail,
        leads.website_domain,
        website_free_mail.domain is not null as is_website_free_mail,
        nullif(trim(leads.company_name_normalized), '') as company_name_normalized,
        leads.converted_account_id,
        converted_map.account_id as converted_match,
        case
            when not coalesce(leads.is_free_mail, false) then email_match.account_id
        end as email_domain_match,
        case
            when website_free_mail.domain is null then website_match.account_id
        end as website_domain_match,
        case when crm_names.master_count = 1 then crm_names.account_id end as company_name_match,
        coalesce(crm_names.master_count > 1, false) as is_name_ambiguous
    from leads
    left join crm_map as converted_map
        on leads.converted_account_id = converted_map.source_account_id
    left join universe_domains as email_match
        on leads.email_domain = email_match.domain
    left join free_mail_domains as website_free_mail
        on leads.website_domain = website_free_mail.domain
    left join universe_domains as website_match
        on leads.website_domain = website_match.domain
    left join crm_names
        on nullif(trim(leads.company_name_normalized), '') = crm_names.name_normalized
),

matched as (
    select
        candidates.lead_id,
        candidates.email,
        candidates.email_domain,
        candidates.is_free_mail,
        coalesce(
            candidates.converted_match,
            candidates.email_domain_match,
            candidates.website_domain_match,
            candidates.company_name_match
        ) as account_id,
        case
            when candidates.converted_match is not null then 'converted_account_id'
            when candidates.email_domain_match is not null then 'email_domain'
            when candidates.website_domain_match is not null then 'website_domain'
            when candidates.company_name_match is not null then 'company_name'
        end as matched_by,
        case
            when coalesce(
                candidates.converted_match,
                candidates.email_domain_match,
                candidates.website_domain_match,
                candidates.company_name_match
            ) is not null then null
            when candidates.converted_account_id is not null then 'converted_account_not_found'
            when candidates.is_name_ambiguous then 'ambiguous_company_name'
            when
                candidates.email_domain is null
                and candidates.website_domain is null
                and candidates.company_name_normalized is null
                then 'no_identifying_data'
            when
                candidates.is_free_mail
                and (candidates.website_domain is null or candidates.is_website_free_mail)
                and candidates.company_name_normalized is null
                then 'free_mail_domain'
            else 'no_matching_account'
        end as unmatched_reason
    from candidates
),

final as (
    select
        matched.lead_id,
        matched.account_id,
        matched.matched_by,
        match_rules.match_confidence,
        matched.unmatched_reason,
        matched.email,
        matched.email_domain,
        matched.is_free_mail
    from matched
    left join match_rules
        on matched.matched_by = match_rules.matched_by
)

select * from final
