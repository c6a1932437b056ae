-- A free-mail domain names no company: no lead, contact or activity is matched
-- by a domain rule through one, and no universe account is keyed by one.
with

hosts as (
    select * from {{ ref('int_free_mail_domains') }}
),

free_mail_domains as (
    select distinct hosts.registrable_domain as free_domain
    from hosts
    where hosts.is_free_mail and hosts.registrable_domain is not null
),

leads as (
    select * from {{ ref('int_leads_matched_to_accounts') }}
),

staged_leads as (
    select * from {{ ref('stg_crm__leads') }}
),

contacts as (
    select * from {{ ref('int_contacts_matched_to_accounts') }}
),

activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
),

staged_activities as (
    select * from {{ ref('stg_engagement__activities') }}
),

universe as (
    select * from {{ ref('int_account_universe') }}
),

violations as (
    select
        'lead' as record_source,
        leads.lead_id as record_id,
        leads.matched_by
    from leads
    inner join staged_leads
        on leads.lead_id = staged_leads.lead_id
    inner join free_mail_domains
        on
            (leads.matched_by = 'email_domain' and staged_leads.email_domain = free_mail_domains.free_domain)
            or (leads.matched_by = 'website_domain' and staged_leads.website_domain = free_mail_domains.free_domain)

    union all

    select
        'contact' as record_source,
        contacts.contact_id as record_id,
        contacts.matched_by
    from contacts
    inner join free_mail_domains
        on contacts.email_domain = free_mail_domains.free_domain
    where contacts.matched_by = 'email_domain'

    union all

    select
        'activity' as record_source,
        activities.activity_id as record_id,
        activities.matched_by
    from activities
    inner join staged_activities
        on activities.activity_id = staged_activities.activity_id
    inner join free_mail_domains
        on staged_activities.email_domain = free_mail_domains.free_domain
    where
        activities.matched_by = 'email_domain'
        -- a daily run checks the activities it can have changed (macros/tests/run_window.sql)
        and {{ in_run_window('staged_activities.activity_date') }}

    union all

    select
        'universe' as record_source,
        universe.account_id as record_id,
        universe.domain_source as matched_by
    from universe
    inner join free_mail_domains
        on universe.domain = free_mail_domains.free_domain
),

final as (
    select
        violations.record_source,
        violations.record_id,
        violations.matched_by
    from violations
)

select * from final
