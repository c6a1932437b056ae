{#- One row per CRM contact that is not deleted: `base_crm__contacts` (the latest
    version of every contact, incremental) without the deleted ones. -#}
with

versions as (
    select * from {{ ref('base_crm__contacts') }}
),

final as (
    select
        contact_id,
        account_id,
        first_name,
        last_name,
        email,
        email_domain,
        is_free_mail,
        title,
        department,
        lead_source,
        created_at,
        last_modified_at,
        invalid_values
    from versions
    where not is_deleted
)

select * from final
