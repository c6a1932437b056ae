{#- One row per account with Bombora domains: a key of the set of domains that
    make up the account today. When identity resolution changes an account (a
    duplicate merged in, a subdomain or a net-new company attached to a CRM
    account), its key changes and int_intent_topic_weeks re-computes all of that
    account's weeks, not only the late-arrival window. -#}
with

signal_domains as (
    select * from {{ ref('int_signal_domains_matched_to_accounts') }}
    where record_source = 'bombora' and account_id is not null
),

account_domains as (
    select distinct
        signal_domains.account_id,
        signal_domains.domain
    from signal_domains
),

final as (
    select
        account_domains.account_id,
        {{ dbt.hash(dbt.listagg('account_domains.domain', "','", 'order by account_domains.domain')) }}
            as identity_key
    from account_domains
    group by account_domains.account_id
)

select * from final
