-- One row per entry of seeds/free_mail_domains.csv, resolved like any host.
with

free_mail_domains as (
    select * from {{ ref('free_mail_domains') }}
),

hosts as (
    {{ resolve_hosts('free_mail_domains', 'domain') }}
),

final as (
    select
        host,
        registrable_domain,
        public_suffix,
        is_free_mail
    from hosts
)

select * from final
